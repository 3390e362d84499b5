using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;
using MempoolLimits = VoteChain.Networking.Mempool.MempoolLimits;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>
/// The node's side of the trustee loop on a real RocksDB store and a real mempool: what it reads, how it submits,
/// and the loop holding a step back while the mempool has it, then going on once a block commits it.
/// </summary>
public sealed class NodeTrusteeChainTests
{
    private const string ChainId = "trustee-node-test";

    private TempFolder _temp = null!;
    private TrusteeKey _key = null!;
    private ChainStore _store = null!;
    private MempoolPool _mempool = null!;
    private List<byte[]> _gossiped = null!;
    private NodeTrusteeChain _chain = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _clock = new ManualClock();
        _key = TrusteeKey.FromSeed(Enumerable.Repeat((byte)9, 32).ToArray());
        // The trustee key is also an authority here, so that the fake planner's "steps" (elections) pass the rules.
        var genesis = new Protos.V1.Genesis { ChainId = ChainId, GenesisTimeUnixMs = 1, Authorities = { ByteString.CopyFrom(_key.PublicKey) } };
        _store = ChainStore.Open(Path.Combine(_temp.Path, "data"), ChainId, GenesisHash.Of(genesis));
        _mempool = new MempoolPool(ChainId, RuleContext.From(genesis), _store,
            () => new BlockContext(_store.Height + 1, _clock.GetUtcNow().ToUnixTimeMilliseconds()), new MempoolLimits());
        _gossiped = [];
        _chain = new NodeTrusteeChain(ChainId, GenesisHash.Of(genesis), _store, _mempool, (_, txId) => _gossiped.Add(txId));
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        _key.Dispose();
        _temp.Dispose();
    }

    [Test]
    public void It_reads_the_secret_election_with_its_records_from_the_store()
    {
        Commit([], Election("s1"), Record(StateColumn.Tallies, StateKeys.Tally("s1"), new TallyRecord { Secret = true, CountedBallots = 3 }),
            Record(StateColumn.Secrets, StateKeys.Secret("s1"), new SecretRecord { Acks = { new AckRecord { Trustee = 1 } } }));

        var state = _chain.Read("s1")!;

        Assert.That(_chain.Elections().Select(e => e.Definition.ElectionId), Is.EqualTo(new[] { "s1" }));
        Assert.That(state.Election.Secret.Trustees.Single().ToByteArray(), Is.EqualTo(_key.PublicKey));
        Assert.That(state.Tally.CountedBallots, Is.EqualTo(3));
        Assert.That(state.Secret!.Acks.Single().Trustee, Is.EqualTo(1));
        Assert.That(_chain.Read("missing"), Is.Null);
    }

    [Test]
    public void A_submission_enters_the_mempool_is_gossiped_once_and_is_pending_until_committed()
    {
        var envelope = TxSigning.Sign(_key.Signing, ElectionPayload("x1"));

        var outcome = _chain.Submit(envelope);
        var pending = _chain.Status(outcome.TxId!);
        Commit([outcome.TxId!]);
        _mempool.OnCommitted([outcome.TxId!]);

        Assert.That(outcome.Accepted, Is.True);
        Assert.That(pending, Is.EqualTo(TrusteeTxStatus.Pending));
        Assert.That(_gossiped, Has.Count.EqualTo(1));
        Assert.That(_gossiped[0], Is.EqualTo(outcome.TxId));
        Assert.That(_chain.Status(outcome.TxId!), Is.EqualTo(TrusteeTxStatus.Committed));
        Assert.That(_chain.Status(new byte[32]), Is.EqualTo(TrusteeTxStatus.Dropped));
    }

    [Test]
    public void A_refusal_carries_the_rule_s_code_and_is_not_gossiped()
    {
        var payload = ElectionPayload("bad");
        payload.CreateElection.Options.RemoveAt(1);

        var outcome = _chain.Submit(TxSigning.Sign(_key.Signing, payload));

        Assert.That(outcome.Accepted, Is.False);
        Assert.That(outcome.Code, Is.EqualTo("INVALID_ELECTION"));
        Assert.That(_gossiped, Is.Empty);
    }

    [Test]
    public void The_loop_holds_a_step_while_the_mempool_has_it_and_moves_on_once_it_commits()
    {
        Commit([], Election("s1"));
        var sequence = 0;
        var planner = new FuncPlanner(_ => new([new TrusteeDuty("s1", "deal", ElectionPayload($"step{++sequence}"))], null));
        var log = new RecordingLog();
        var loop = new TrusteeLoop(_key, _chain, log, _clock, planner);

        loop.RunOnce();
        _clock.Advance(TrusteeLoop.PendingFor * 2);
        loop.RunOnce();
        var held = _mempool.Count;
        var committed = _mempool.TakeForBlock(10, 1 << 20).Single().Id;
        Commit([committed]);
        _mempool.OnCommitted([committed]);
        loop.RunOnce();

        Assert.That(held, Is.EqualTo(1), "not submitted again while pending, however long");
        Assert.That(sequence, Is.EqualTo(3));
        Assert.That(_mempool.Count, Is.EqualTo(1), "after the commit the next step went out");
        Assert.That(_gossiped, Has.Count.EqualTo(2));
        Assert.That(log.Lines, Is.EqualTo(new[] { "posted deal s1", "posted deal s1" }));
    }

    private TxPayload ElectionPayload(string id) => new()
    {
        ChainId = ChainId,
        CreateElection = new CreateElection
        {
            ElectionId = id,
            Title = id,
            Options = { "yes", "no" },
            OpensAtUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = _clock.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds(),
        },
    };

    [Test]
    public void A_read_that_a_block_interrupts_every_time_gives_up_with_one_line_instead_of_mixing_heights()
    {
        Commit([], Election("s1"));
        var reads = 0;
        var problem = Assert.Throws<UserInputException>(() => NodeTrusteeChain.AtOneHeight(() => _store.Height, () =>
        {
            var seen = _store.Height;
            reads++;
            Commit([]); // a block lands between this record and the next
            return seen;
        }, "election 's1'"));

        Assert.That(reads, Is.EqualTo(3));
        Assert.That(problem!.Message, Does.Contain("election 's1'").And.Contain("next pass"));
        Assert.That(problem.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void A_read_interrupted_once_is_repeated_and_returns_the_records_of_one_height()
    {
        Commit([], Election("s1"));
        var reads = 0;
        var seen = NodeTrusteeChain.AtOneHeight(() => _store.Height, () =>
        {
            var height = _store.Height;
            if (reads++ == 0)
            {
                Commit([]);
            }

            return height;
        }, "election 's1'");

        Assert.That(reads, Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(_store.Height), "the second read, made at the height that then held");
    }

    private StateChange Election(string id) => Record(StateColumn.Elections, StateKeys.Election(id), new ElectionRecord
    {
        Definition = new CreateElection { ElectionId = id, Options = { "yes", "no" } },
        CreatedAtUnixMs = _clock.GetUtcNow().ToUnixTimeMilliseconds(),
        Secret = new SecretBallotSettings { Threshold = 1, KeyPhaseSeconds = 60, Trustees = { ByteString.CopyFrom(_key.PublicKey) } },
    });

    private static StateChange Record(StateColumn column, byte[] key, IMessage record) => new(column, key, record.ToByteArray());

    /// <summary>A block as storage sees it: the indexes and state the node would write (its bytes are not judged here).</summary>
    private void Commit(IReadOnlyList<byte[]> txIds, params StateChange[] changes)
    {
        var height = _store.Height + 1;
        var sorted = changes.Order(StateChangeOrder.Instance).ToList();
        var tree = BlockTreeChanges.Apply(_store, height, sorted, txIds);
        var root = tree.NewRoot;
        // A real block (its time is what the trustee chain reports); the transactions themselves are not needed here.
        var block = BlockCodec.Build(ChainId, height, _store.HeadHash, _clock.GetUtcNow().ToUnixTimeMilliseconds(), 0, [], [], root);
        _store.Write(new BlockWrite(height, block.Hash, block.Block.ToByteArray(), txIds, sorted, root, tree));
    }
}
