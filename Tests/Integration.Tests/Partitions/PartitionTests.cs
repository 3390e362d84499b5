using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Partitions;

/// <summary>
/// Four validators as processes in network namespaces of their own, cut apart with nftables (<see cref="NamespaceNetwork"/>).
/// Without a quorum on either side of a 2-2 split nothing commits; three of four keep committing and the fourth catches
/// up; a node whose packets to the others are dropped (one way) is left behind, not followed; and after every heal the
/// nodes serve the same block at every height. Skipped, with the reason, where namespaces cannot be made.
/// </summary>
[NonParallelizable]
public sealed class PartitionTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    // The chain makes an empty block every second (block_interval_ms 1000): a side that can commit makes several in this
    // window, a side without a quorum none. A fixed window because what is checked is that nothing happens.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(6);

    private NamespaceNetwork _net = null!;

    /// <summary>
    /// One network for the fixture: every test heals what it cut, and the next starts once all four commit together
    /// again (<see cref="AllFourCommitting"/>), so starting four processes in fresh namespaces per test bought nothing.
    /// </summary>
    [OneTimeSetUp]
    public async Task StartNetwork()
    {
        if (NamespaceNetwork.Unavailable() is { } reason)
        {
            Assert.Ignore($"partition tests need network namespaces: {reason}");
        }

        _net = NamespaceNetwork.Create(validators: 4);
        _net.StartAll();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync()).All(h => h >= 2), Step, () => "all four to commit block 2");
    }

    [SetUp]
    public Task AllFourCommitting()
    {
        _net.Heal();
        return AllCommitPastAsync();
    }

    [TearDown]
    public async Task ReportAndHeal()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Out.WriteLineAsync(_net.LogTails());
        }

        _net.Heal();
    }

    [OneTimeTearDown]
    public async Task StopNetwork()
    {
        if (_net is not null)
        {
            await _net.DisposeAsync();
        }
    }

    [Test]
    public async Task A_two_two_split_halts_commits_on_both_sides_and_healing_commits_what_waited_with_no_fork()
    {
        var voter = await OpenElectionAsync();
        _net.Split([0, 1], [2, 3]);
        var atSplit = (await _net.HeightsAsync()).Max();

        // A vote sent to one side during the split waits: neither side has the three votes a block needs.
        var vote = Payloads.Vote(voter, "split", 1);
        Assert.That((await _net.Api(0).SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(vote) })).TxId.ToByteArray(),
            Is.EqualTo(Hashing.Sha256(vote)), "accepted into the pool");
        await Task.Delay(Window);
        var duringSplit = await _net.HeightsAsync();
        Assert.That(duringSplit.Max(), Is.LessThanOrEqualTo(atSplit + 1),
            $"no side of a 2-2 split has a quorum (heights {string.Join(", ", duringSplit)}, {atSplit} at the split; one block may have been certified as it began)");
        Assert.That((await _net.Api(0).GetTallyAsync(new GetTallyRequest { ElectionId = "split" })).Tally.CountedBallots, Is.Zero);

        _net.Heal();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync()).All(h => h > duringSplit.Max() + 1), Step, () => "commits to resume on all four");
        await Eventually.HoldsAsync(async () => (await _net.Api(2).GetTallyAsync(new GetTallyRequest { ElectionId = "split" })).Tally.CountedBallots == 1,
            Step, () => "the vote sent during the split to commit after it healed");
        await AssertNoForkAsync();
    }

    [Test]
    public async Task A_three_one_split_keeps_the_three_committing_and_the_one_catches_up_after_healing()
    {
        _net.Split([0, 1, 2], [3]);
        var atSplit = await _net.HeightsAsync();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync()).Take(3).All(h => h >= atSplit.Max() + 3), Step,
            () => "the three to commit three more blocks");
        var alone = (await _net.HeightsAsync())[3];
        Assert.That(alone, Is.LessThanOrEqualTo(atSplit.Max() + 1), "the one cut off cannot commit alone");

        _net.Heal();
        var majority = (await _net.HeightsAsync()).Take(3).Max();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync())[3] >= majority, Step, () => "the one cut off to catch up");
        await AssertNoForkAsync();
    }

    [Test]
    public async Task A_one_way_partition_leaves_the_node_whose_packets_are_dropped_behind_and_the_rest_committing()
    {
        // Everything validator0 sends to the others is dropped; what they send it arrives (and gets no answer).
        foreach (var other in new[] { 1, 2, 3 })
        {
            _net.Cut(0, other);
        }

        var atCut = await _net.HeightsAsync();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync()).Skip(1).All(h => h >= atCut.Max() + 3), Step,
            () => "the other three to go on committing");
        Assert.That((await _net.HeightsAsync())[0], Is.LessThanOrEqualTo(atCut.Max() + 1), "a node that cannot be heard commits nothing new");

        _net.Heal();
        var others = (await _net.HeightsAsync()).Skip(1).Max();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync())[0] >= others, Step, () => "validator0 to catch up");
        await AssertNoForkAsync();
    }

    /// <summary>Waits until every node has committed a block past the highest any node had when asked: all four commit together.</summary>
    private async Task AllCommitPastAsync()
    {
        var highest = (await _net.HeightsAsync()).Max();
        await Eventually.HoldsAsync(async () => (await _net.HeightsAsync()).All(h => h > highest), Step, () => $"all four to commit past height {highest}");
    }

    /// <summary>An election "split" with one registered voter, committed on all four.</summary>
    private async Task<Ed25519KeyPair> OpenElectionAsync()
    {
        var voter = Ed25519KeyPair.Generate();
        var api = _net.Api(0);
        foreach (var envelope in new[] { Payloads.CreateElection(_net.Authority, "split"), Payloads.Register(_net.Authority, "split", [voter.PublicKey]) })
        {
            var id = Hashing.Sha256(envelope);
            Assert.That((await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) })).TxId.ToByteArray(), Is.EqualTo(id));
            await Eventually.HoldsAsync(async () => await CommittedEverywhereAsync(id), Step, () => "setup to commit on all four");
        }

        return voter;
    }

    private async Task<bool> CommittedEverywhereAsync(byte[] txId)
    {
        foreach (var node in Enumerable.Range(0, _net.Validators))
        {
            try
            {
                await _net.Api(node).GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) }, deadline: DateTime.UtcNow.AddSeconds(2));
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every node serves one and the same block at every height up to the lowest node's head.</summary>
    private async Task AssertNoForkAsync()
    {
        var top = (await _net.HeightsAsync()).Min();
        for (ulong height = 1; height <= top; height++)
        {
            var hashes = await _net.BlockHashesAsync(height);
            Assert.That(hashes.Distinct().Count(), Is.EqualTo(1), $"the nodes serve different blocks at height {height}: {string.Join(", ", hashes)}");
        }
    }
}
