using Google.Protobuf;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class PeerOutboxTests
{
    private static PeerMessage Transaction(int bytes) => new() { Transaction = ByteString.CopyFrom(new byte[bytes]) };

    private static PeerMessage Consensus(ulong height) => new() { Consensus = new ConsensusMessage { PhaseVote = new PhaseVote { Height = height } } };

    [Test]
    public void Consensus_messages_go_out_before_a_flood_of_transactions_queued_ahead_of_them()
    {
        var outbox = new PeerOutbox(consensusBytes: 1 << 20, transactionBytes: 1 << 20);
        for (var i = 0; i < 1_000; i++)
        {
            outbox.Enqueue(Transaction(100), 103);
        }

        outbox.Enqueue(Consensus(7), 20);

        Assert.That(outbox.TryTake(out var first), Is.True);
        Assert.That(first.KindCase, Is.EqualTo(PeerMessage.KindOneofCase.Consensus));
    }

    [Test]
    public void A_flood_of_transactions_stays_within_its_lane_s_bytes_and_never_pushes_out_a_consensus_message()
    {
        var outbox = new PeerOutbox(consensusBytes: 1_000, transactionBytes: 10_000);
        outbox.Enqueue(Consensus(1), 20);
        for (var i = 0; i < 100_000; i++)
        {
            outbox.Enqueue(Transaction(100), 103);
        }

        Assert.That(outbox.Bytes, Is.LessThanOrEqualTo(11_000));
        Assert.That(outbox.Dropped, Is.EqualTo(100_000 - (10_000 / 103)));
        Assert.That(outbox.TryTake(out var first) && first.KindCase == PeerMessage.KindOneofCase.Consensus, Is.True);
    }

    [Test]
    public void A_full_lane_drops_its_oldest_messages_and_one_larger_than_the_lane_is_dropped_alone()
    {
        var outbox = new PeerOutbox(consensusBytes: 100, transactionBytes: 100);
        outbox.Enqueue(Consensus(1), 40);
        outbox.Enqueue(Consensus(2), 40);
        outbox.Enqueue(Consensus(3), 40);
        outbox.Enqueue(Consensus(4), 101);

        var sent = new List<ulong>();
        while (outbox.TryTake(out var message))
        {
            sent.Add(message.Consensus.PhaseVote.Height);
        }

        Assert.That(sent, Is.EqualTo(new ulong[] { 2, 3 }));
        Assert.That(outbox.Dropped, Is.EqualTo(2));
        Assert.That(outbox.Bytes, Is.Zero);
    }

    [Test]
    public async Task A_waiting_sender_wakes_when_a_message_is_queued_and_times_out_when_none_is()
    {
        var outbox = new PeerOutbox(1_000, 1_000);

        var idle = await outbox.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        var waiting = outbox.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        outbox.Enqueue(Consensus(1), 20);

        Assert.That(idle, Is.False);
        Assert.That(await waiting, Is.True);
    }

    [Test]
    public void Transactions_queued_together_leave_as_one_batch_in_order_after_any_consensus_message()
    {
        var outbox = new PeerOutbox(consensusBytes: 1 << 20, transactionBytes: 1 << 20);
        for (var i = 0; i < 3; i++)
        {
            outbox.Enqueue(new PeerMessage { Transaction = ByteString.CopyFrom([(byte)i]) }, 3);
        }

        outbox.Enqueue(Consensus(9), 20);

        Assert.That(outbox.TryTake(out var first) && first.KindCase == PeerMessage.KindOneofCase.Consensus, Is.True);
        Assert.That(outbox.TryTake(out var batch), Is.True);
        Assert.That(batch.Transactions.Envelopes.Select(e => e[0]), Is.EqualTo(new byte[] { 0, 1, 2 }));
        Assert.That(outbox.TryTake(out _), Is.False);
        Assert.That(outbox.Bytes, Is.Zero);
    }

    [Test]
    public void A_lone_transaction_leaves_as_it_came()
    {
        var outbox = new PeerOutbox(consensusBytes: 1 << 20, transactionBytes: 1 << 20);
        outbox.Enqueue(Transaction(100), 103);

        Assert.That(outbox.TryTake(out var message) && message.KindCase == PeerMessage.KindOneofCase.Transaction, Is.True);
    }

    [Test]
    public void A_batch_never_passes_its_count_or_its_bytes()
    {
        var outbox = new PeerOutbox(consensusBytes: 1 << 20, transactionBytes: 64 << 20);
        for (var i = 0; i < GossipBatchLimits.MaxTransactions + 10; i++)
        {
            outbox.Enqueue(Transaction(10), 12);
        }

        Assert.That(outbox.TryTake(out var full), Is.True);
        Assert.That(full.Transactions.Envelopes, Has.Count.EqualTo(GossipBatchLimits.MaxTransactions));
        Assert.That(outbox.TryTake(out var rest), Is.True);
        Assert.That(rest.Transactions.Envelopes, Has.Count.EqualTo(10));

        // Large transactions: as many as fit the bytes, and one larger than a batch still leaves alone.
        for (var i = 0; i < 5; i++)
        {
            outbox.Enqueue(Transaction(20_000), 20_004);
        }

        outbox.Enqueue(Transaction(200_000), 200_004);
        var sizes = new List<int>();
        while (outbox.TryTake(out var message))
        {
            Assert.That(message.CalculateSize(), Is.LessThanOrEqualTo(Math.Max(GossipBatchLimits.MaxBytes, 200_004)));
            sizes.Add(message.KindCase == PeerMessage.KindOneofCase.Transactions ? message.Transactions.Envelopes.Count : 1);
        }

        Assert.That(sizes, Is.EqualTo(new[] { 3, 2, 1 }), "64 KiB holds three of 20 kB");
    }
}
