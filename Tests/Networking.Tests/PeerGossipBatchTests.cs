using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Gossiped batches over real gRPC on 127.0.0.1: handed on as their envelopes, in order; a batch over the count no
/// honest sender makes is dropped unread and the stream goes on; every node takes a batch of the agreed size from anyone.
/// </summary>
public sealed class PeerGossipBatchTests
{
    private string _folder = "";
    private ApiChain _chain = null!;
    private PeerHost _host = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _host = await PeerHost.StartAsync(_chain, TimeProvider.System);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static PeerMessage Batch(int count, string tag) => new()
    {
        Transactions = new TransactionBatch { Envelopes = { Enumerable.Range(0, count).Select(i => ByteString.CopyFrom(Hashing.Sha256(System.Text.Encoding.UTF8.GetBytes($"{tag}{i}")))) } },
    };

    private async Task<AsyncDuplexStreamingCall<PeerMessage, GossipReply>> OpenAsValidatorAsync()
    {
        var call = _host.Client.Gossip(deadline: DateTime.UtcNow.AddSeconds(20));
        var self = new LocalPeer(_chain.Validator, ApiChain.ChainId, ApiChain.GenesisHash, "validator", "http://127.0.0.1:2");
        await ClientHandshake.RunAsync(call, self, () => ConnectionBinding.None, _chain.Validator.PublicKey, CancellationToken.None);
        return call;
    }

    [Test]
    public async Task A_batch_is_handed_on_as_its_envelopes_in_order()
    {
        using var call = await OpenAsValidatorAsync();
        var batch = Batch(300, "a");
        await call.RequestStream.WriteAsync(batch);
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False);

        Assert.That(_host.Inbox.Received.Select(r => (byte[])r.Message),
            Is.EqualTo(batch.Transactions.Envelopes.Select(e => e.ToByteArray())));
    }

    [Test]
    public async Task A_batch_over_the_count_is_dropped_unread_and_the_stream_goes_on()
    {
        using var call = await OpenAsValidatorAsync();
        await call.RequestStream.WriteAsync(Batch(GossipBatchLimits.MaxTransactions + 1, "over"));
        var after = Batch(2, "after");
        await call.RequestStream.WriteAsync(after);
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False);

        Assert.That(_host.Inbox.Received.Select(r => (byte[])r.Message),
            Is.EqualTo(after.Transactions.Envelopes.Select(e => e.ToByteArray())), "only the batch within the count");
    }

    [Test]
    public void Every_node_takes_a_full_batch_from_anyone_whatever_its_own_largest_transaction()
    {
        var timeouts = new StreamTimeouts(TimeSpan.FromSeconds(30), 1024, TimeSpan.FromSeconds(5));
        var bounds = RequestBounds.ForNode(maxTxBytes: 1024, maxBatchBytes: 1 << 20, maxQueryBytes: 4096, maxGossipBytes: 8 << 20, timeouts);

        var gossip = bounds.For($"/{PeerService.Descriptor.FullName}/Gossip");

        Assert.That(gossip.MessageBytes, Is.GreaterThanOrEqualTo(GossipBatchLimits.MaxBytes), "a stranger's batch");
        Assert.That(gossip.MessageBytes, Is.LessThan(GossipBatchLimits.MaxBytes + 1024), "and not much more");
        Assert.That(gossip.ProvenMessageBytes, Is.EqualTo(8 << 20));
    }

    [Test]
    public async Task A_strangers_batch_takes_one_place_in_its_gossip_rate_per_envelope()
    {
        using var rate = new SubmitRateLimiter(ratePerSecond: 1, burst: 10);
        await using var host = await PeerHost.StartAsync(_chain, TimeProvider.System, strangerRate: rate);
        using var call = host.Client.Gossip(deadline: DateTime.UtcNow.AddSeconds(20));
        var stranger = new LocalPeer(_chain.Key(41), ApiChain.ChainId, ApiChain.GenesisHash, "stranger", "http://127.0.0.1:3");
        await ClientHandshake.RunAsync(call, stranger, () => ConnectionBinding.None, _chain.Validator.PublicKey, CancellationToken.None);

        await call.RequestStream.WriteAsync(Batch(300, "flood"));
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False);

        Assert.That(host.Inbox.Received, Has.Count.EqualTo(10), "the burst, not the batch");
    }
}
