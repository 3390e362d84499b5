using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Driver;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Driver;

/// <summary>
/// Block sync verifies a fetched block's signatures before the driver gets to it, and the executor takes those verdicts
/// instead of checking again. Only what verified is held, each verdict is taken once, and a block that does not pass the
/// engine's cheap checks (continues the chain, certified) costs no transaction checks: junk is left to the engine.
/// </summary>
public sealed class FetchedTransactionsTests
{
    private const string ChainId = "fetched-test";

    private OneValidatorChain _chain = null!;

    [SetUp]
    public void SetUp() => _chain = new OneValidatorChain(ChainId);

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void Only_transactions_whose_signatures_verify_are_held_and_each_is_taken_once()
    {
        var good = Enumerable.Range(0, 3).Select(i => Envelope($"e{i}")).ToList();
        var forged = Envelope("forged");
        forged[^1] ^= 1; // the signature's last byte
        var block = Block([.. good, forged]);

        Assert.That(Prepare(block), Is.Not.Null);

        Assert.That(_chain.Fetched.Count, Is.EqualTo(3));
        foreach (var envelope in good)
        {
            var taken = _chain.Fetched.Take(Hashing.Sha256(envelope));
            Assert.That(taken, Is.Not.Null);
            Assert.That(taken!.EnvelopeBytes, Is.EqualTo(envelope));
            Assert.That(_chain.Fetched.Take(Hashing.Sha256(envelope)), Is.Null, "a verdict is taken once");
        }

        Assert.That(_chain.Fetched.Take(Hashing.Sha256(forged)), Is.Null, "a forged signature is left for the executor to refuse");
        Assert.That(new TxDecoder(ChainId).Decode(forged).IsOk, Is.False);
    }

    [Test]
    public void Bytes_that_are_not_a_block_are_left_to_the_engine_and_clear_forgets_what_was_not_taken()
    {
        Assert.That(Prepare([1, 2, 3, 4]), Is.Null);
        Assert.That(_chain.Fetched.Count, Is.Zero);

        Assert.That(Prepare(Block([Envelope("left")])), Is.Not.Null);
        Assert.That(_chain.Fetched.Count, Is.EqualTo(1));
        _chain.Fetched.Clear();
        Assert.That(_chain.Fetched.Count, Is.Zero);
    }

    [Test]
    public void A_block_without_a_valid_certificate_or_off_the_chain_costs_no_transaction_checks()
    {
        var envelopes = new[] { Envelope("a"), Envelope("b") };
        var uncertified = BlockCodec.Parse(Block(envelopes)).Value!;
        uncertified.Block.Certificate = null;
        var forged = BlockCodec.Parse(Block(envelopes)).Value!;
        forged.Block.Certificate.Signatures[0].Signature = ByteString.CopyFrom(new byte[64]);

        Assert.That(Prepare(uncertified.Block.ToByteArray()), Is.Null);
        Assert.That(Prepare(forged.Block.ToByteArray()), Is.Null);
        Assert.That(_chain.Fetched.Prepare(Block(envelopes), 2, _chain.Store.HeadHash, CancellationToken.None), Is.Null, "not the height asked for");
        Assert.That(_chain.Fetched.Prepare(Block(envelopes), 1, new byte[32], CancellationToken.None), Is.Null, "not on this chain's head");
        Assert.That(_chain.Fetched.Count, Is.Zero);

        // A batch is checked as a chain: the second block's parent is the first block's hash.
        var first = Block([Envelope("c")]);
        var firstHash = Prepare(first)!;
        var second = Block([Envelope("d")], height: 2, previous: firstHash);
        Assert.That(_chain.Fetched.Prepare(second, 2, firstHash, CancellationToken.None), Is.EqualTo(BlockCodec.Parse(second).Value!.Hash));
        Assert.That(_chain.Fetched.Count, Is.EqualTo(2));
    }

    [Test]
    public void The_executor_takes_the_verdicts_sync_prepared_instead_of_checking_them_again()
    {
        var bytes = Block([Envelope("x1"), Envelope("x2")]);
        Prepare(bytes);
        Assert.That(_chain.Fetched.Count, Is.EqualTo(2));

        _chain.Executor.Problem(BlockCodec.Parse(bytes).Value!, ProposalCheck.Certified);

        Assert.That(_chain.Fetched.Count, Is.Zero);
    }

    private byte[] Envelope(string electionId) => TxSigning.Sign(_chain.Authority, new TxPayload
    {
        ChainId = ChainId,
        CreateElection = new CreateElection
        {
            ElectionId = electionId,
            Title = electionId,
            Options = { "yes", "no" },
            OpensAtUnixMs = 1_000,
            ClosesAtUnixMs = 10_000_000,
        },
    });

    private byte[]? Prepare(byte[] block) => _chain.Fetched.Prepare(block, 1, _chain.Store.HeadHash, CancellationToken.None);

    /// <summary>A block certified by the chain's one validator (its content is not judged here).</summary>
    private byte[] Block(IReadOnlyList<byte[]> envelopes, ulong height = 1, byte[]? previous = null)
    {
        var block = BlockCodec.Build(ChainId, height, previous ?? _chain.Store.HeadHash, 1_000, 0, envelopes,
            [.. envelopes.Select(e => Hashing.Sha256(e))], StateTree.EmptyRoot.ToArray());
        var signature = _chain.Validator.Sign(MessageSigning.Bytes(SignStep.Commit, ChainId, height, 0, block.Hash));
        block.Block.Certificate = CommitCertificates.Build(height, 0, block.Hash, [new KeyValuePair<uint, byte[]>(0, signature)]);
        return block.Block.ToByteArray();
    }
}
