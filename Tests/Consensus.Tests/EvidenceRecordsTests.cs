using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>What the engine reports as equivocation becomes a record with its facts and an order-free id.</summary>
public sealed class EvidenceRecordsTests
{
    private const string ChainId = "evidence-test";
    private static readonly byte[] GenesisHash = Hashing.Sha256("evidence genesis"u8);

    private Ed25519KeyPair[] _keys = [];
    private ValidatorSet _validators = null!;

    [SetUp]
    public void CreateValidators()
    {
        _keys = Enumerable.Range(1, 4).Select(n =>
        {
            var seed = new byte[Ed25519KeyPair.SeedSize];
            seed[0] = (byte)n;
            return Ed25519KeyPair.FromSeed(seed);
        }).ToArray();
        _validators = new ValidatorSet(_keys.Select(k => k.PublicKey));
    }

    [TearDown]
    public void DisposeKeys()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    [Test]
    public void Two_prepares_for_different_blocks_fed_to_an_engine_become_a_record_with_their_facts()
    {
        var engine = new PbftEngine(new PbftConfig(ChainId, _validators, new BlockLimits(100, 1 << 20, 5_000)), new AcceptAll(), (Consensus.Crypto.ISigner?)null, 0, GenesisHash, null);
        var first = Vote(2, 1, 0, PhaseVoteKind.Prepare, Block(1));
        var second = Vote(2, 1, 0, PhaseVoteKind.Prepare, Block(2));

        Assert.That(engine.Step(new MessageReceived(first)).Evidence, Is.Empty);
        var evidence = engine.Step(new MessageReceived(second)).Evidence.Single();
        var record = EvidenceRecords.Describe(evidence, _validators, 1_234);

        Assert.That(record, Is.Not.Null);
        Assert.That(record!.ValidatorIndex, Is.EqualTo(2));
        Assert.That(record.ValidatorPublicKey.ToByteArray(), Is.EqualTo(_keys[2].PublicKey));
        Assert.That((record.Height, record.View, record.Kind), Is.EqualTo((1ul, 0ul, EvidenceKind.Prepare)));
        Assert.That(record.RecordedUnixMs, Is.EqualTo(1_234));
        Assert.That(ConsensusMessage.Parser.ParseFrom(record.First), Is.EqualTo(first));
        Assert.That(ConsensusMessage.Parser.ParseFrom(record.Second), Is.EqualTo(second));
        Assert.That(record.Id.ToByteArray(), Is.EqualTo(EvidenceRecords.Id(record)));
    }

    [Test]
    public void Two_proposals_from_the_primary_fed_to_an_engine_are_pre_prepare_evidence()
    {
        var engine = new PbftEngine(new PbftConfig(ChainId, _validators, new BlockLimits(100, 1 << 20, 5_000)), new AcceptAll(), (Consensus.Crypto.ISigner?)null, 0, GenesisHash, null);
        // The primary of height 1, view 0 is validator (1 + 0) mod 4 = 1.
        var first = Proposal(1, 1_000);
        var second = Proposal(1, 2_000);

        Assert.That(engine.Step(new MessageReceived(first)).Evidence, Is.Empty);
        var record = EvidenceRecords.Describe(engine.Step(new MessageReceived(second)).Evidence.Single(), _validators, 0);

        Assert.That((record!.ValidatorIndex, record.Height, record.View, record.Kind), Is.EqualTo((1u, 1ul, 0ul, EvidenceKind.PrePrepare)));
        Assert.That(EvidenceRecords.Name(record.Kind), Is.EqualTo("pre_prepare"));
    }

    [Test]
    public void A_proposal_signed_twice_for_the_same_block_is_not_evidence()
    {
        var first = Proposal(1, 1_000);
        var second = first.Clone();
        second.PrePrepare.Signature = ByteString.CopyFrom(new byte[64]);

        Assert.That(Describe(0, first, second, 1), Is.Null);
    }

    [Test]
    public void Commits_are_commit_evidence_at_their_own_height_and_view()
    {
        var record = Describe(2, Vote(1, 7, 3, PhaseVoteKind.Commit, Block(1)), Vote(1, 7, 3, PhaseVoteKind.Commit, Block(2)), validator: 1);

        Assert.That((record!.Height, record.View, record.Kind), Is.EqualTo((7ul, 3ul, EvidenceKind.Commit)));
        Assert.That(EvidenceRecords.Name(record.Kind), Is.EqualTo("commit"));
    }

    [Test]
    public void The_id_does_not_depend_on_the_order_but_on_validator_and_messages()
    {
        var a = Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(1)).ToByteArray();
        var b = Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(2)).ToByteArray();
        var c = Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(3)).ToByteArray();

        Assert.That(EvidenceRecords.Id(1, a, b), Is.EqualTo(EvidenceRecords.Id(1, b, a)));
        Assert.That(EvidenceRecords.Id(1, a, b), Is.Not.EqualTo(EvidenceRecords.Id(1, a, c)));
        Assert.That(EvidenceRecords.Id(1, a, b), Is.Not.EqualTo(EvidenceRecords.Id(2, a, b)));
        // Lengths are framed: moving bytes from one message to the other gives another id.
        Assert.That(EvidenceRecords.Id(1, [1, 2], [3]), Is.Not.EqualTo(EvidenceRecords.Id(1, [1], [2, 3])));
    }

    [Test]
    public void Pairs_that_do_not_conflict_are_not_evidence()
    {
        var vote = Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(1));

        Assert.Multiple(() =>
        {
            Assert.That(Describe(0, vote, vote.Clone(), 1), Is.Null, "the same message twice");
            Assert.That(Describe(0, vote, Vote(2, 1, 0, PhaseVoteKind.Prepare, Block(2)), 1), Is.Null, "two senders");
            Assert.That(Describe(0, vote, Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(2)), 2), Is.Null, "named validator is not the sender");
            Assert.That(Describe(0, vote, Vote(1, 2, 0, PhaseVoteKind.Prepare, Block(2)), 1), Is.Null, "two heights");
            Assert.That(Describe(0, vote, Vote(1, 1, 1, PhaseVoteKind.Prepare, Block(2)), 1), Is.Null, "two views");
            Assert.That(Describe(0, vote, Vote(1, 1, 0, PhaseVoteKind.Commit, Block(2)), 1), Is.Null, "prepare and commit");
            Assert.That(EvidenceRecords.Describe(new Evidence { Validator = 1, First = vote }, _validators, 0), Is.Null, "one message");
            Assert.That(Describe(0, Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(1), sender: 9),
                Vote(1, 1, 0, PhaseVoteKind.Prepare, Block(2), sender: 9), 9), Is.Null, "not a validator");
        });
    }

    private EvidenceRecord? Describe(long at, ConsensusMessage first, ConsensusMessage second, uint validator) =>
        EvidenceRecords.Describe(new Evidence { Validator = validator, First = first, Second = second }, _validators, at);

    /// <summary>A signed PrePrepare at height 1, view 0 for an empty block with this time.</summary>
    private ConsensusMessage Proposal(uint signer, long time)
    {
        var block = BlockCodec.Build(ChainId, 1, GenesisHash, time, signer, [], [], new byte[Hashing.HashSize]);
        return new ConsensusMessage
        {
            PrePrepare = new PrePrepare
            {
                Height = 1,
                View = 0,
                Block = block.Block.ToByteString(),
                Sender = signer,
                Signature = ByteString.CopyFrom(_keys[signer].Sign(MessageSigning.Bytes(SignStep.PrePrepare, ChainId, 1, 0, block.Hash))),
            },
        };
    }

    private static byte[] Block(int n) => Hashing.Sha256(BitConverter.GetBytes(n));

    private ConsensusMessage Vote(uint signer, ulong height, ulong view, PhaseVoteKind kind, byte[] hash, uint? sender = null) => new()
    {
        PhaseVote = new PhaseVote
        {
            Kind = kind,
            Height = height,
            View = view,
            BlockHash = ByteString.CopyFrom(hash),
            Sender = sender ?? signer,
            Signature = ByteString.CopyFrom(_keys[signer].Sign(MessageSigning.Bytes(
                kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare, ChainId, height, view, hash))),
        },
    };

    private sealed class AcceptAll : IProposalValidator
    {
        public string? Problem(ParsedBlock block, ProposalCheck check) => null;
    }
}
