using VoteChain.Node;
using VoteChain.Node.Cli.Operator;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>Election times as operators type them: ISO-8601 or relative to now.</summary>
public sealed class TimeInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [TestCase("+30s", 30_000)]
    [TestCase("+10m", 600_000)]
    [TestCase("+2h", 7_200_000)]
    [TestCase("+1d", 86_400_000)]
    [TestCase("+0s", 0)]
    public void Relative_times_count_from_now(string text, long offsetMs) =>
        Assert.That(TimeInput.Parse(text, "--closes-at", Now), Is.EqualTo(Now.ToUnixTimeMilliseconds() + offsetMs));

    [TestCase("2026-05-01T10:00:00Z", 7_200_000)]
    [TestCase("2026-05-01T10:00:00+02:00", 0)]
    [TestCase("2026-05-01T08:00:00.5Z", 500)]
    public void Iso_times_are_absolute(string text, long offsetMs) =>
        Assert.That(TimeInput.Parse(text, "--closes-at", Now), Is.EqualTo(Now.ToUnixTimeMilliseconds() + offsetMs));

    [TestCase("+10")]
    [TestCase("+m")]
    [TestCase("+10w")]
    [TestCase("+-5m")]
    [TestCase("10m")]
    [TestCase("tomorrow")]
    [TestCase("+99999d")]
    public void Anything_else_is_a_one_line_error_naming_the_option(string text)
    {
        var e = Assert.Throws<UserInputException>(() => TimeInput.Parse(text, "--closes-at", Now))!;
        Assert.That(e.Message, Does.Contain("--closes-at").And.Contain(text).And.Not.Contain("\n"));
    }
}
