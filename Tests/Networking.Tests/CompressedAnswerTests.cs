using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// A peer (a Byzantine validator, a peers entry, a man in the middle of plain http) that answers with a gzip bomb: 64 KiB
/// on the wire, 64 MiB inflated, under the answer bound as grpc-dotnet measures it (compressed). The node's peer channel
/// asks for no compression and refuses a compressed answer without inflating it (issue 9 review, finding 1).
/// </summary>
public sealed class CompressedAnswerTests
{
    private const int Inflated = 64 * 1024 * 1024;

    [Test]
    public async Task A_peer_s_gzip_bomb_answer_is_refused_without_being_inflated()
    {
        await using var bomb = await GzipBombServer.StartAsync(Inflated);
        var parameters = new ConsensusParams { MaxBlockBytes = 1024 * 1024, MaxBlockTxs = 10_000 };
        using var key = Ed25519KeyPair.Generate();
        var dialing = new PeerDialing(new LocalPeer(key, "chain", new byte[32], "asker", "http://127.0.0.1:1"), null,
            new Dictionary<string, byte[]>());
        await using var peer = new PeerConnection(bomb.Url, dialing, PeerLimits.Default(parameters), NullLogger.Instance);

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var blocks = await peer.BlocksAsync(1, CancellationToken.None);
        var allocatedMiB = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024);

        TestContext.Out.WriteLine($"gzip bomb answer: {allocatedMiB:F1} MiB allocated by the test process");
        Assert.That(bomb.AcceptEncodings, Has.Count.EqualTo(1), "the peer was asked");
        Assert.That(blocks, Is.Empty, "a 64 MiB block inflated from 64 KiB was taken");
        Assert.That(bomb.AcceptEncodings.Single(), Is.EqualTo("identity"), "the channel asks for no compression");
        Assert.That(allocatedMiB, Is.LessThan(8), "the answer was inflated");
    }
}
