using System.Globalization;
using VoteChain.Node.Genesis;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// Election times as an operator types them: ISO-8601 (<c>2026-05-01T08:00:00Z</c>) or relative to now
/// (<c>+30s</c>, <c>+10m</c>, <c>+2h</c>, <c>+1d</c>), in Unix milliseconds, the chain's time unit.
/// </summary>
public static class TimeInput
{
    public static long Parse(string text, string what, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith('+') ? (now + Relative(text, what)).ToUnixTimeMilliseconds() : GenesisTime.Parse(text, what);
    }

    private static TimeSpan Relative(string text, string what)
    {
        var problem = $"{what} '{text}' is neither ISO-8601 (2026-05-01T08:00:00Z) nor relative like +30s, +10m, +2h, +1d";
        if (text.Length < 3 || !long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw new UserInputException(problem);
        }

        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => throw new UserInputException(problem),
        };

        // Ten years is far beyond any election window and keeps the multiplication clear of overflow.
        if (amount > 3650 * TimeSpan.TicksPerDay / unit.Ticks)
        {
            throw new UserInputException($"{what} '{text}' is more than ten years ahead");
        }

        return unit * amount;
    }
}
