using System.Text.Json;
using VoteChain.Integration.Tests.BlackBox;

namespace VoteChain.Integration.Tests.Operations;

/// <summary>`votechain start --log-format json`: a real node process whose every output line is a JSON object a log shipper can read.</summary>
public sealed class JsonLogTests
{
    [Test]
    public async Task A_node_started_with_json_logs_writes_one_json_object_per_line()
    {
        using var home = new OperatorHome();
        // Only the API port, on a free port: the web endpoint's default port may be another test's.
        home.EditConfig(config => config["web"]!["listen"] = "");
        var (usage, _, usageError) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "start", "--home", home.Home, "--log-format", "xml");
        Assert.That(usage, Is.EqualTo(2), "a value that is no format is bad usage: " + usageError);

        await using var node = new ServiceProcess(["start", "--home", home.Home, "--listen", $"127.0.0.1:{LoopbackPorts.Free()}", "--log-format", "json"]);
        await Eventually.HoldsAsync(() => Task.FromResult(Committed(node.Output) >= 2 || node.HasExited), TimeSpan.FromSeconds(60),
            () => "two committed blocks in the log: " + node.Output);
        Assert.That(await node.StopAsync(TimeSpan.FromSeconds(30)), Is.Zero, node.Output);

        var lines = node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Is.Not.Empty);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            Assert.That(root.GetProperty("LogLevel").GetString(), Is.AnyOf("Trace", "Debug", "Information", "Warning", "Error", "Critical"), line);
            Assert.That(root.GetProperty("Category").GetString(), Is.Not.Empty, line);
            Assert.That(root.GetProperty("Message").GetString(), Is.Not.Empty, line);
            Assert.That(root.GetProperty("Timestamp").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"), line);
        }

        Assert.That(lines.Count(l => l.Contains("\"Category\":\"VoteChain.Node.Driver.ConsensusDriver\"", StringComparison.Ordinal)
            && l.Contains("Committed block", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2));
    }

    private static int Committed(string output) =>
        output.Split('\n').Count(l => l.Contains("Committed block", StringComparison.Ordinal));
}
