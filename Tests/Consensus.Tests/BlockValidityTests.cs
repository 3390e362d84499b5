using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class BlockValidityTests
{
    private const string ChainId = "c";
    private static readonly byte[] Parent = Hashing.Sha256("parent"u8);
    private static readonly BlockLimits Limits = new(MaxTxs: 3, MaxBytes: 2_000, MaxClockDriftMs: 5_000);

    [Test]
    public void A_block_whose_transactions_hash_to_its_tx_root_passes()
    {
        Assert.That(BlockValidity.BodyProblem(Build(3), Limits), Is.Null);
        Assert.That(BlockValidity.BodyProblem(Build(0), Limits), Is.Null);
    }

    [Test]
    public void The_same_header_over_other_transactions_is_refused()
    {
        var block = Build(2);
        block.Block.Transactions[1] = ByteString.CopyFromUtf8("swapped");

        Assert.That(BlockValidity.BodyProblem(block, Limits), Is.EqualTo("the transactions do not hash to the header's tx root"));
    }

    [Test]
    public void A_transaction_more_or_less_than_the_header_counts_is_refused()
    {
        var more = Build(2);
        more.Block.Transactions.Add(ByteString.CopyFromUtf8("extra"));
        var fewer = Build(2);
        fewer.Block.Transactions.RemoveAt(1);

        Assert.That(BlockValidity.BodyProblem(more, Limits), Is.EqualTo("the header counts 2 transactions but the block holds 3"));
        Assert.That(BlockValidity.BodyProblem(fewer, Limits), Is.EqualTo("the header counts 2 transactions but the block holds 1"));
    }

    [Test]
    public void Limits_are_checked_before_anything_is_hashed()
    {
        Assert.That(BlockValidity.BodyProblem(Build(4), Limits), Is.EqualTo("the block holds 4 transactions; the chain allows 3"));
        Assert.That(BlockValidity.BodyProblem(Build(1, size: 3_000), Limits), Does.StartWith("the block is ").And.EndWith("bytes; the chain allows 2000"));
    }

    [Test]
    public void Structure_names_the_chain_height_parent_and_proposer()
    {
        var header = Build(0).Header;
        Assert.Multiple(() =>
        {
            Assert.That(BlockValidity.StructureProblem(header, ChainId, 7, Parent, 4), Is.Null);
            Assert.That(BlockValidity.StructureProblem(header, "other", 7, Parent, 4), Is.EqualTo("the block is for chain 'c', not 'other'"));
            Assert.That(BlockValidity.StructureProblem(header, ChainId, 8, Parent, 4), Is.EqualTo("the block is for height 7, not 8"));
            Assert.That(BlockValidity.StructureProblem(header, ChainId, 7, new byte[32], 4), Is.EqualTo("the previous hash is not the hash of block 6"));
            Assert.That(BlockValidity.StructureProblem(header, ChainId, 7, Parent, 2), Is.EqualTo("the proposer index 3 is not a validator"));
        });
    }

    [TestCase(10_000L, null, null)]
    [TestCase(1_000L, null, "the block time is not after its parent's")]
    [TestCase(100_000L, 100_000L, null)]
    [TestCase(105_000L, 100_000L, null)]
    [TestCase(105_001L, 100_000L, "the block time is 5001 ms ahead of this validator's clock; at most 5000 ms is allowed")]
    [TestCase(95_000L, 100_000L, null)]
    [TestCase(94_999L, 100_000L, "the block time is 5001 ms behind this validator's clock; at most 5000 ms is allowed")]
    public void A_fresh_block_time_is_within_the_drift_either_side_and_a_certified_one_only_after_its_parent(long time, long? now,
        string? expected)
    {
        Assert.That(BlockValidity.TimeProblem(time, parentTimeUnixMs: 1_000, now, Limits.MaxClockDriftMs), Is.EqualTo(expected));
    }

    private static ParsedBlock Build(int transactions, int size = 10)
    {
        var txs = Enumerable.Range(0, transactions).Select(i => Enumerable.Repeat((byte)i, size).ToArray()).ToList();
        return BlockCodec.Build(ChainId, 7, Parent, 50_000, 3, txs, txs.Select(t => Hashing.Sha256(t)).ToList(), new byte[32]);
    }
}
