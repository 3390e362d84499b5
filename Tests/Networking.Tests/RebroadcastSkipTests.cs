using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Crypto;
using VoteChain.Integration.Tests;
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

    [Test]
    public async Task What_a_validator_gossiped_is_passed_on_to_the_other_peers_but_not_to_validators()
    {
        var folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        using var chain = new ApiChain(folder);
        using var self = Ed25519KeyPair.Generate();
        try
        {
            await using var validator = await PeerHost.StartAsync(chain, TimeProvider.System);
            await using var observer = await PeerHost.StartAsync(chain, TimeProvider.System, chain.Key(40));
            var dialing = new PeerDialing(new LocalPeer(self, ApiChain.ChainId, ApiChain.GenesisHash, "me", "http://127.0.0.1:1"), null,
                new Dictionary<string, byte[]> { [validator.Address] = chain.Validator.PublicKey });
            await using var peers = new PeerNetwork([validator.Address, observer.Address], dialing, NullLoggerFactory.Instance,
                new PeerLimits(1 << 20, 1 << 20, TimeSpan.FromSeconds(20), 4 << 20));
            peers.Start();
            await Eventually.HoldsAsync(() => Task.FromResult(peers.Describe().All(p => p.Connected)), TimeSpan.FromSeconds(10),
                () => "both peers to connect");

            peers.BroadcastTransaction("a validator's"u8.ToArray(), toValidators: false);
            peers.BroadcastTransaction("a client's"u8.ToArray());

            await Eventually.HoldsAsync(() => Task.FromResult(observer.Inbox.Received.Count == 2 && validator.Inbox.Received.Count == 1),
                TimeSpan.FromSeconds(10), () => "both transactions to reach the observer, and the client's the validator");
            Assert.That(validator.Inbox.Received.Select(r => (byte[])r.Message), Is.EqualTo(new[] { "a client's"u8.ToArray() }));
            Assert.That(observer.Inbox.Received.Select(r => (byte[])r.Message),
                Is.EqualTo(new[] { "a validator's"u8.ToArray(), "a client's"u8.ToArray() }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
