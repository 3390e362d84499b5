using System.Text.Json;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Integration.Tests.Verify;

/// <summary>How long <c>votechain audit</c> takes on a chain of a thousand votes (printed for the report).</summary>
[NonParallelizable]
public sealed class AuditTimingTests
{
    private const int Voters = 1_000;

    [Test]
    public async Task Audit_of_a_thousand_votes_passes_and_reports_its_time()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0);
        await net.StartAllAsync();
        var api = net.Api(0);
        var voters = Enumerable.Range(0, Voters).Select(_ => Ed25519KeyPair.Generate()).ToList();
        await VerifyPayloads.SubmitAllAsync(api, [Payloads.CreateElection(net.Authority, "load")]);
        await VerifyPayloads.TallyHoldsAsync(api, "load", _ => true, "the election");
        await VerifyPayloads.SubmitAllAsync(api, [Payloads.Register(net.Authority, "load", voters.Select(v => v.PublicKey))]);
        await VerifyPayloads.TallyHoldsAsync(api, "load", t => t.RegisteredCredentials == Voters, "the registration");
        await VerifyPayloads.SubmitAllAsync(api, voters.Select((v, i) => Payloads.Vote(v, "load", (uint)(i % 3))));
        await VerifyPayloads.TallyHoldsAsync(api, "load", t => t.CountedBallots == Voters, "every vote");
        voters.ForEach(v => v.Dispose());

        // Twice: the first run pays for JIT and the connection, the second shows the steady cost.
        foreach (var pass in new[] { "cold", "warm" })
        {
            var run = await CliRun.RunAsync("audit", "--genesis", Path.Combine(net.Root, "node0", "config", "genesis.json"),
                "--node", net.Url(1), "--json");

            Assert.That(run.ExitCode, Is.Zero, run.ToString);
            using var json = JsonDocument.Parse(run.Output);
            var root = json.RootElement;
            Assert.That(root.GetProperty("votes").GetInt64(), Is.EqualTo(Voters));
            var seconds = root.GetProperty("seconds").GetDouble();
            var blocks = root.GetProperty("blocks").GetUInt64();
            await TestContext.Out.WriteLineAsync($"audit ({pass}): {blocks} blocks, {root.GetProperty("transactions").GetInt64()} transactions, "
                + $"{Voters} votes in {seconds:F3} s ({seconds * 1000 / blocks:F1} ms per block, {seconds * 1e6 / Voters:F0} µs per vote)");
        }
    }
}
