using System.Text.Json;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;

namespace VoteChain.Node.Tests.Verify;

/// <summary><c>votechain audit</c> prints one line per validator set the replay followed, beside its existing lines.</summary>
public sealed class AuditReportTests
{
    private static readonly AuditReport Report = new("chain", 120, "ab", 40, 30,
        [
            new ValidatorSetAudit(1, 4, ["01", "02", "03", "04"]),
            new ValidatorSetAudit(7, 5, ["01", "02", "03", "04", "05"]),
            new ValidatorSetAudit(123, 4, ["01", "03", "04", "05"]),
        ],
        [], 1.5, []);

    [Test]
    public void The_text_names_each_set_and_the_height_it_certifies_from()
    {
        using var output = new StringWriter();
        Report.WriteText(output);
        var lines = output.ToString().Split(Environment.NewLine);

        Assert.That(lines[..8], Is.EqualTo(new[]
        {
            "chain         chain",
            "blocks        120 (head ab)",
            "transactions  40",
            "votes         30",
            "validators    4 from height 1",
            "validators    5 from height 7",
            "validators    4 from height 123 (not yet in force)",
            "elections     0",
        }));
    }

    [Test]
    public void The_json_lists_each_set_with_its_keys()
    {
        using var output = new StringWriter();
        JsonOutput.Write(output, Report);
        var sets = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("validator_sets");

        Assert.That(sets.GetArrayLength(), Is.EqualTo(3));
        Assert.That(sets[1].GetProperty("from_height").GetUInt64(), Is.EqualTo(7));
        Assert.That(sets[1].GetProperty("validators").GetInt32(), Is.EqualTo(5));
        Assert.That(sets[2].GetProperty("public_keys").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(new[] { "01", "03", "04", "05" }));
    }
}
