using VoteChain.Integration.Tests.Cli;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Tls;

/// <summary>
/// Four validators and an observer serving TLS with certificates from a test CA, on 127.0.0.1: they dial each other's
/// https:// genesis endpoints, finalize blocks, and serve client commands that trust the CA; a client that does not
/// gets one line and exit 1.
/// </summary>
public sealed class TlsNetworkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Validators_on_TLS_finalize_blocks_and_serve_clients_that_trust_the_CA()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 1, tls: true);
        await net.StartAllAsync();
        Assert.That(net.Url(0), Does.StartWith("https://"));
        var apis = Enumerable.Range(0, net.Count).Select(net.Api).ToList();

        await Eventually.HoldsAsync(async () => (await Task.WhenAll(apis.Take(4).Select(async api =>
                (await api.GetStatusAsync(new GetStatusRequest())).Peers.Count(p => p.Connected)))).All(c => c == 3),
            Patience, () => "every validator to hold a handshaken TLS stream to each of the other three");
        var genesis = GenesisFile.Load(net.GenesisPath(0));
        var proven = (await apis[0].GetStatusAsync(new GetStatusRequest())).Peers.Select(p => Convert.ToHexString(p.PublicKey.Span));
        Assert.That(proven, Is.EquivalentTo(genesis.Validators.Skip(1).Select(v => Convert.ToHexString(v.PublicKey.Span))),
            "each peer proved its genesis key over TLS");
        await apis[0].SubmitTransactionAsync(new SubmitTransactionRequest
        {
            Envelope = Google.Protobuf.ByteString.CopyFrom(Payloads.CreateElection(net.Authority, "tls-city")),
        });
        await Eventually.HoldsAsync(async () => (await Task.WhenAll(apis.Select(async api =>
                (await api.GetStatusAsync(new GetStatusRequest())).Height))).All(h => h >= 1),
            Patience, () => "the election's block on every node, the observer included");

        var trusted = await CliHarness.Run(["tally", "--election", "tls-city", "--node", net.Url(3), "--tls-ca", net.TlsCaPath]);
        Assert.That(trusted.Code, Is.Zero, trusted.ToString());
        Assert.That(trusted.Out, Does.Contain("option 2").And.Match(@"height:\s+[1-9]"));

        var untrusting = await CliHarness.Run(["status", "--node", net.Url(4)]);
        Assert.That(untrusting.Code, Is.EqualTo(1), untrusting.ToString());
        Assert.That(untrusting.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), untrusting.ToString());
        Assert.That(untrusting.Err, Does.StartWith($"error: the node at {net.Url(4)} presented a TLS certificate this machine does not trust"));
        Assert.That(untrusting.Err, Does.Contain("--tls-ca"));
    }
}
