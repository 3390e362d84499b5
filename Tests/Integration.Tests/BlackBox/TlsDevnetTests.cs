using System.Text.Json;
using System.Text.RegularExpressions;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// `votechain devnet --tls` as an operator runs it: one `tls ca:` line, an observer that follows its validator over
/// https://, client commands that trust the CA by flag or environment, one that does not refused with one line, and bench.
/// </summary>
public sealed class TlsDevnetTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_TLS_devnet_names_its_CA_once_and_serves_clients_that_trust_it()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-tlsdev-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(2);
        var validator = $"https://127.0.0.1:{basePort}";
        var observer = $"https://127.0.0.1:{basePort + 1}";
        try
        {
            await using var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort, validators: 1, observers: 1, tls: true);
            await devnet.WaitUntilRunningAsync(Step, "the TLS devnet to start");
            var caLines = Regex.Matches(devnet.Output, "^tls ca: (.+)$", RegexOptions.Multiline);
            Assert.That(caLines, Has.Count.EqualTo(1), devnet.Output);
            var ca = caLines[0].Groups[1].Value.Trim();
            Assert.That(File.Exists(ca), Is.True, ca);
            Assert.That(devnet.Output, Does.Contain(validator));

            // Blocks reach the observer only through its https:// stream to the validator.
            await Eventually.HoldsAsync(async () =>
            {
                var status = await CliProcess.RunAsync(Step, "status", "--node", observer, "--tls-ca", ca, "--json");
                return status.ExitCode == 0 && JsonDocument.Parse(status.Output).RootElement.GetProperty("height").GetUInt64() >= 2;
            }, Step, () => "the observer to follow the validator over TLS");

            var byEnvironment = await CliProcess.RunAsync(Step, new Dictionary<string, string> { ["VOTECHAIN_TLS_CA"] = ca },
                "status", "--node", validator);
            Assert.That(byEnvironment.ExitCode, Is.Zero, byEnvironment.Error);

            var untrusting = await CliProcess.RunAsync(Step, "status", "--node", validator);
            Assert.That(untrusting.ExitCode, Is.EqualTo(1), untrusting.Output);
            Assert.That(untrusting.Error.Trim().Split('\n'), Has.Length.EqualTo(1), untrusting.Error);
            Assert.That(untrusting.Error, Does.StartWith("error: the node at").And.Contain("does not trust"));

            var bench = await CliProcess.RunAsync(Step, "bench", "--node", validator, "--key", Path.Combine(root, "devnet", "authority.json"),
                "--voters", "40", "--tls-ca", ca, "--json");
            Assert.That(bench.ExitCode, Is.Zero, bench.Error);
            Assert.That(JsonDocument.Parse(bench.Output).RootElement.GetProperty("votes_committed").GetInt32(), Is.EqualTo(40), bench.Output);

            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
