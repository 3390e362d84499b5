using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Integration.Tests;
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
        // A test that failed with the gate closed must not hold the server's shutdown for the gate's timeout.
        _host.Inbox.TransactionsGate.Set();
        await _host.DisposeAsync();
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static PeerMessage Batch(int count, string tag, int envelopeBytes = 32) => new()
    {
        Transactions = new TransactionBatch
        {
            Envelopes =
            {
                Enumerable.Range(0, count).Select(i =>
                    ByteString.CopyFrom(Enumerable.Repeat(Hashing.Sha256(System.Text.Encoding.UTF8.GetBytes($"{tag}{i}")), envelopeBytes / 32)
                        .SelectMany(b => b).ToArray())),
            },
        },
    };

    private IEnumerable<byte[]> Envelopes(PeerMessage batch) => batch.Transactions.Envelopes.Select(e => e.ToByteArray());

    private IEnumerable<byte[]> ReceivedTransactions() => _host.Inbox.Received.Where(r => r.Message is byte[]).Select(r => (byte[])r.Message);

    [Test]
    public async Task A_consensus_message_is_handed_on_while_the_transactions_read_before_it_still_wait()
    {
        _host.Inbox.TransactionsGate.Reset();
        using var call = await OpenAsValidatorAsync();
        var batches = Enumerable.Range(0, 20).Select(i => Batch(500, $"busy{i}")).ToList();
        foreach (var batch in batches)
        {
            await call.RequestStream.WriteAsync(batch);
        }

        await call.RequestStream.WriteAsync(new PeerMessage { Consensus = new ConsensusMessage() });

        // Before the fix the reader verified each batch inline, so the consensus message waited for all twenty.
        await Eventually.HoldsAsync(() => Task.FromResult(_host.Inbox.Received.Any(r => r.Message is ConsensusMessage)),
            TimeSpan.FromSeconds(10), () => "the consensus message, not held behind transactions");
        Assert.That(ReceivedTransactions(), Is.Empty, "the transactions are still waiting");

        _host.Inbox.TransactionsGate.Set();
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False);
        Assert.That(ReceivedTransactions(), Is.EqualTo(batches.SelectMany(Envelopes)), "every envelope, in order, once the node gets to them");
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task A_validators_transactions_waiting_for_a_busy_node_are_bounded_in_bytes_across_its_streams(int streams)
    {
        _host.Inbox.TransactionsGate.Reset();
        var calls = new List<AsyncDuplexStreamingCall<PeerMessage, GossipReply>>();
        // On each stream 250 batches of 100 envelopes of 512 bytes: about 14 MB counted against one validator's 8 MiB.
        var batches = Enumerable.Range(0, 250).Select(i => Batch(100, $"flood{i}", envelopeBytes: 512)).ToList();
        for (var s = 0; s < streams; s++)
        {
            var call = await OpenAsValidatorAsync();
            calls.Add(call);
            foreach (var batch in batches)
            {
                await call.RequestStream.WriteAsync(batch);
            }

            await call.RequestStream.WriteAsync(new PeerMessage { Consensus = new ConsensusMessage() });
        }

        await Eventually.HoldsAsync(() => Task.FromResult(_host.Inbox.Received.Count(r => r.Message is ConsensusMessage) == streams),
            TimeSpan.FromSeconds(20), () => "every stream's consensus message behind its flood");

        _host.Inbox.TransactionsGate.Set();
        foreach (var call in calls)
        {
            await call.RequestStream.CompleteAsync();
            Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False);
            call.Dispose();
        }

        var received = ReceivedTransactions().ToList();
        var waitingBound = (int)(GossipReceiveBudget.BytesPerValidator / (512 + GossipReceiveQueue.EntryOverhead));
        Assert.That(received, Has.Count.LessThan(batches.Count * 100), "some were dropped");
        // What each stream's drain had taken before the gate closed is not counted as waiting.
        Assert.That(received, Has.Count.LessThanOrEqualTo(waitingBound + streams * GossipReceiveQueue.MaxMerged),
            "no more than one validator's share waited, however many streams it opened");
        Assert.That(received.Take(100), Is.EqualTo(Envelopes(batches[0])), "what fitted first was kept");
    }

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
