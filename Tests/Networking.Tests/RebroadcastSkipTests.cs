using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Finding 12 of the issue 9 review, over real gRPC on 127.0.0.1: the peer left out when a transaction is passed on is
/// chosen by the key its handshake proved, never by the endpoint a sender's Hello claims.
/// </summary>
public sealed class RebroadcastSkipTests
{
    [Test]
    public async Task Only_the_peer_whose_proven_key_sent_a_transaction_is_left_out_of_its_rebroadcast()
    {
        var folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        using var chain = new ApiChain(folder);
        using var self = Ed25519KeyPair.Generate();
        using var stranger = Ed25519KeyPair.Generate();
        try
        {
            await using var host = await PeerHost.StartAsync(chain, TimeProvider.System);
            var dialing = new PeerDialing(new LocalPeer(self, ApiChain.ChainId, ApiChain.GenesisHash, "me", "http://127.0.0.1:1"), null,
                new Dictionary<string, byte[]>());
            await using var peers = new PeerNetwork([host.Address], dialing, NullLoggerFactory.Instance,
                new PeerLimits(1 << 20, 1 << 20, TimeSpan.FromSeconds(20), 4 << 20));
            peers.Start();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!peers.Describe()[0].Connected)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the peer network to connect to the host");
                await Task.Delay(20);
            }

            // From the host itself (its proven key): not sent back. From a stranger, whatever endpoint it claimed: sent.
            peers.BroadcastTransaction("from the host"u8.ToArray(), exceptKey: chain.Validator.PublicKey);
            peers.BroadcastTransaction("from a stranger"u8.ToArray(), exceptKey: stranger.PublicKey);

            while (host.Inbox.Received.Count == 0)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the stranger's transaction to reach the host");
                await Task.Delay(20);
            }

            // One stream, sent in order: the host's own transaction would have arrived first.
            Assert.That(host.Inbox.Received.Select(r => (byte[])r.Message), Is.EqualTo(new[] { "from a stranger"u8.ToArray() }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
