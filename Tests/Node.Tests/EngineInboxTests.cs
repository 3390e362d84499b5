using Google.Protobuf;
using VoteChain.Consensus.Pbft;
using VoteChain.Node.Driver;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests;

/// <summary>
/// The driver's inbox under floods (issue 9: one 100,000-entry queue shared by ticks, peer messages and one nudge per
/// transaction, dropping the newest, let a transaction flood or one chatty peer crowd out ticks and consensus).
/// </summary>
public sealed class EngineInboxTests
{
    private static MessageReceived Vote(ulong height, uint sender) => new(new ConsensusMessage
    {
        PhaseVote = new PhaseVote { Height = height, Sender = sender, Signature = ByteString.CopyFrom(new byte[64]) },
    });

    private static void Post(EngineInbox inbox, MessageReceived message, string peer) =>
        inbox.PostConsensus(message, peer, message.Message.CalculateSize());

    private static List<IEngineInput> TakeAll(EngineInbox inbox)
    {
        var taken = new List<IEngineInput>();
        while (inbox.TryTake(out var input))
        {
            taken.Add(input);
        }

        return taken;
    }

    [Test]
    public void A_transaction_flood_and_a_chatty_peer_do_not_starve_ticks_or_another_peer_s_messages()
    {
        var inbox = new EngineInbox(peerBytes: 64 * 1024);
        for (var i = 0; i < 200_000; i++)
        {
            inbox.PostWorkPending();
            Post(inbox, Vote((ulong)i, 0), "chatty");
        }

        inbox.PostTick();
        Post(inbox, Vote(7, 1), "quiet");

        var first = Enumerable.Range(0, 4).Select(_ => inbox.TryTake(out var input) ? input : null).ToList();

        Assert.That(first[0], Is.SameAs(Tick.Instance), "the tick is served first");
        Assert.That(first[1], Is.InstanceOf<WorkPending>(), "200,000 transactions are one nudge");
        Assert.That(first.Skip(2).OfType<MessageReceived>().Select(m => m.Message.PhaseVote.Sender), Does.Contain(1u),
            "the quiet peer's message comes within one round of the chatty one's");
    }

    [Test]
    public void Ticks_and_the_work_nudge_are_never_dropped_whatever_floods_in()
    {
        var inbox = new EngineInbox(peerBytes: 4 * 1024);
        var ticks = 0;
        var nudges = 0;
        var messages = new List<MessageReceived>();
        for (var round = 0; round < 100; round++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                Post(inbox, Vote((ulong)((round * 1_000) + i), 0), "chatty");
                inbox.PostWorkPending();
            }

            // The driver keeps up with the clock: a tick posted in a flood is served within the next two takes.
            inbox.PostTick();
            for (var take = 0; take < 2 && inbox.TryTake(out var input); take++)
            {
                ticks += input is Tick ? 1 : 0;
                nudges += input is WorkPending ? 1 : 0;
                if (input is MessageReceived message)
                {
                    messages.Add(message);
                }
            }
        }

        var rest = TakeAll(inbox);
        messages.AddRange(rest.OfType<MessageReceived>());

        Assert.That(ticks, Is.EqualTo(100), "every tick arrives in its round");
        Assert.That(nudges + rest.Count(t => t is WorkPending), Is.LessThanOrEqualTo(100), "a round of 1,000 transactions is one nudge");
        Assert.That(rest.OfType<MessageReceived>().Sum(m => m.Message.CalculateSize()), Is.LessThanOrEqualTo(4 * 1024),
            "the chatty peer holds at most its own byte bound");
        Assert.That(messages.Last().Message.PhaseVote.Height, Is.EqualTo(99_999UL), "its oldest were dropped");
        Assert.That(inbox.Dropped, Is.GreaterThan(0));
    }

    [Test]
    public void A_burst_of_ticks_after_a_stall_cannot_run_ahead_of_the_consensus_messages_queued_meanwhile()
    {
        // The driver stalled (a slow disk, a long block) for 50 ticks while 10 Prepares arrived: the engine must see the
        // Prepares before the stalled time can add up to a view timeout (issue 9 review, finding 9).
        var inbox = new EngineInbox(peerBytes: 1 << 20);
        for (var i = 0; i < 50; i++)
        {
            inbox.PostTick();
            if (i % 5 == 0)
            {
                Post(inbox, Vote((ulong)i, 1), "a");
            }
        }

        var taken = TakeAll(inbox);
        var lastMessage = taken.FindLastIndex(t => t is MessageReceived);
        var ticksBeforeLastMessage = taken.Take(lastMessage).Count(t => t is Tick);

        Assert.That(taken.OfType<MessageReceived>().Count(), Is.EqualTo(10));
        Assert.That(ticksBeforeLastMessage, Is.LessThanOrEqualTo(EngineInbox.MaxPendingTicks),
            () => $"taken: {string.Join(" ", taken.Select(t => t.GetType().Name))}");
        Assert.That(taken.Count(t => t is Tick), Is.InRange(1, EngineInbox.MaxPendingTicks), "the stall's ticks collapse");
    }

    [Test]
    public void Ticks_and_messages_take_turns_so_neither_starves_the_other()
    {
        var inbox = new EngineInbox(peerBytes: 1 << 20);
        inbox.PostTick();
        inbox.PostTick();
        Post(inbox, Vote(1, 1), "a");
        Post(inbox, Vote(2, 1), "a");

        var order = TakeAll(inbox).Select(t => t is Tick ? "tick" : "message").ToList();

        Assert.That(order, Is.EqualTo(new[] { "tick", "message", "tick", "message" }));
    }

    [Test]
    public void Peers_are_served_round_robin_and_each_in_its_own_order()
    {
        var inbox = new EngineInbox(peerBytes: 1 << 20);
        for (var i = 0; i < 3; i++)
        {
            Post(inbox, Vote((ulong)i, 0), "a");
        }

        Post(inbox, Vote(10, 1), "b");
        Post(inbox, Vote(11, 1), "b");

        var order = TakeAll(inbox).OfType<MessageReceived>().Select(m => (m.Message.PhaseVote.Sender, m.Message.PhaseVote.Height)).ToList();

        Assert.That(order, Is.EqualTo(new (uint, ulong)[] { (0, 0), (1, 10), (0, 1), (1, 11), (0, 2) }));
    }

    [Test]
    public void Fetched_blocks_have_their_own_bounded_lane()
    {
        var inbox = new EngineInbox(peerBytes: 1 << 20);
        var block = new BlockFetched(new byte[1024 * 1024], "peer");
        for (var i = 0; i < 100; i++)
        {
            inbox.PostFetched(block);
        }

        Post(inbox, Vote(1, 0), "a");
        var taken = TakeAll(inbox);

        Assert.That(taken.Count(t => t is BlockFetched), Is.EqualTo((int)(EngineInbox.FetchedBlockBytes / (1024 * 1024))));
        Assert.That(taken.OfType<MessageReceived>().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task The_driver_waiting_for_input_wakes_when_something_is_posted()
    {
        var inbox = new EngineInbox(peerBytes: 1 << 20);
        Assert.That(inbox.TryTake(out _), Is.False);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The driver waits on a thread of its own, blocked.
        Thread? waiter = null;
        var waiting = Task.Factory.StartNew(() =>
        {
            waiter = Thread.CurrentThread;
            inbox.Wait(deadline.Token);
        }, TaskCreationOptions.LongRunning);
        // Posted only once the driver's thread is blocked, so the test shows a blocked waiter is woken.
        var blockedBy = DateTime.UtcNow.AddSeconds(30);
        while (waiter?.ThreadState.HasFlag(ThreadState.WaitSleepJoin) != true && DateTime.UtcNow < blockedBy)
        {
            Thread.Yield();
        }

        Assert.That(waiter?.ThreadState.HasFlag(ThreadState.WaitSleepJoin), Is.True, "the waiter blocked");
        inbox.PostTick();
        await waiting;

        Assert.That(inbox.TryTake(out var input) && input is Tick, Is.True);
    }
}
