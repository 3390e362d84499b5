using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Receipts across changes of the validator set (docs/GOVERNANCE.md): the verifier holds only the genesis set and walks
/// the certified headers that announced each change, like a light client. A change left out, forged or certified by too
/// few fails; a receipt from before a change needs none. A vote's standing proven after a change walks on through the
/// changes its proof carries.
/// </summary>
public sealed class ReceiptSetChangeTests
{
    private const string ChainId = "set-change-test";
    private const ulong ApprovedAt = 2;
    private const ulong Activation = ApprovedAt + GovernanceRules.ActivationDelay;

    private readonly List<Ed25519KeyPair> _genesisKeys = [.. Enumerable.Range(0, 4).Select(_ => Ed25519KeyPair.Generate())];
    private readonly Ed25519KeyPair _newcomer = Ed25519KeyPair.Generate();

    [OneTimeTearDown]
    public void TearDown()
    {
        foreach (var key in _genesisKeys)
        {
            key.Dispose();
        }

        _newcomer.Dispose();
    }

    private ReceiptVerifier Verifier => new(new ValidatorSet(_genesisKeys.Select(k => k.PublicKey)), ChainId);

    private List<Ed25519KeyPair> NewSet => [.. _genesisKeys, _newcomer];

    [Test]
    public void A_receipt_after_a_change_verifies_through_the_certified_header_that_announced_it()
    {
        var receipt = ReceiptAt(Activation + 2, NewSet);
        receipt.SetChanges.Add(ChangeProof(_genesisKeys));

        Assert.That(Verifier.Problem(receipt), Is.Null);
    }

    [Test]
    public void Leaving_the_change_out_fails_because_the_block_was_certified_by_a_set_the_walk_never_reached()
    {
        var receipt = ReceiptAt(Activation + 2, NewSet);

        Assert.That(Verifier.Problem(receipt), Does.Contain("commit certificate does not verify"));
    }

    [Test]
    public void A_change_certified_by_too_few_or_forged_after_signing_fails()
    {
        var shortOfQuorum = ReceiptAt(Activation + 2, NewSet);
        shortOfQuorum.SetChanges.Add(ChangeProof(_genesisKeys.Take(2).ToList()));
        Assert.That(Verifier.Problem(shortOfQuorum), Does.StartWith("Set change 1 does not verify"));

        var forged = ReceiptAt(Activation + 2, NewSet);
        var proof = ChangeProof(_genesisKeys);
        var header = BlockHeader.Parser.ParseFrom(proof.Header);
        header.ValidatorChange.PublicKeys[4] = ByteString.CopyFrom(Ed25519KeyPair.Generate().PublicKey);
        proof.Header = header.ToByteString();
        forged.SetChanges.Add(proof);
        Assert.That(Verifier.Problem(forged), Does.StartWith("Set change 1 does not verify"), "the certificate no longer names this header");

        var wrongChain = ReceiptAt(Activation + 2, NewSet);
        var other = ChangeProof(_genesisKeys, chainId: "other-chain");
        wrongChain.SetChanges.Add(other);
        Assert.That(Verifier.Problem(wrongChain), Does.Contain("other-chain"));
    }

    [Test]
    public void A_receipt_from_before_a_change_needs_none_and_one_that_names_a_later_change_fails()
    {
        Assert.That(Verifier.Problem(ReceiptAt(ApprovedAt + 1, _genesisKeys)), Is.Null, "a receipt made before a change still verifies after it");

        var early = ReceiptAt(ApprovedAt + 1, _genesisKeys);
        early.SetChanges.Add(ChangeProof(_genesisKeys));
        Assert.That(Verifier.Problem(early), Does.Contain("after the receipt's block"));
    }

    [Test]
    public void Thousands_of_junk_changes_fail_at_the_first_and_a_genuine_change_cannot_be_repeated()
    {
        // A lying node pads a receipt: the walk stops at the first change that fails, so the padding costs its parsing only.
        var padded = ReceiptAt(Activation + 2, NewSet);
        padded.SetChanges.Add(ChangeProof(_genesisKeys));
        var junk = ChangeProof(_genesisKeys.Take(1).ToList());
        padded.SetChanges.AddRange(Enumerable.Repeat(junk, 20_000));
        Assert.That(Verifier.Problem(padded), Does.StartWith("Set change 2 does not verify"));

        var repeated = ReceiptAt(Activation + 2, NewSet);
        repeated.SetChanges.Add(ChangeProof(_genesisKeys));
        repeated.SetChanges.Add(ChangeProof(_genesisKeys));
        Assert.That(Verifier.Problem(repeated), Does.StartWith("Set change 2 does not verify").And.Contain("before the change it follows took effect"));
    }

    [Test]
    public void A_standing_proven_after_a_change_walks_the_receipts_changes_then_its_own_and_fails_without_them()
    {
        using var voter = Ed25519KeyPair.Generate();
        var receipt = VoteWithStanding(voter, ApprovedAt + 1, Activation + 2);
        receipt.ProvenStanding.SetChanges.Add(ChangeProof(_genesisKeys));

        Assert.That(Verifier.Problem(receipt), Is.Null, "the receipt's own list is as before: nothing after its block");
        var verdict = Standings.Judge(receipt, out var problem);
        Assert.That(problem, Is.Null);
        Assert.That((verdict.Proven, verdict.CountedNow, verdict.AsOfHeight), Is.EqualTo((true, (bool?)true, (ulong?)(Activation + 2))));

        var missing = receipt.Clone();
        missing.ProvenStanding.SetChanges.Clear();
        Standings.Judge(missing, out var unreached);
        Assert.That(unreached, Does.StartWith("The proven block header's commit certificate does not verify: "));

        var later = VoteWithStanding(voter, Activation + 1, Activation + 2);
        later.SetChanges.Add(ChangeProof(_genesisKeys));
        Assert.That((Verifier.Problem(later), Standings.Judge(later, out var laterProblem).Proven, laterProblem),
            Is.EqualTo(((string?)null, true, (string?)null)), "a receipt after the change carries it, and the standing needs none more");
    }

    private StandingVerifier Standings => new(new ValidatorSet(_genesisKeys.Select(k => k.PublicKey)), ChainId);

    /// <summary>
    /// A receipt for <paramref name="voter"/>'s vote at <paramref name="voteHeight"/> (certified by the set in force then)
    /// with its standing proven under a header at <paramref name="standingHeight"/>, certified by the new set: a state of
    /// two records, its credential and the ballot that counts this vote.
    /// </summary>
    private Receipt VoteWithStanding(Ed25519KeyPair voter, ulong voteHeight, ulong standingHeight)
    {
        var envelope = TxSigning.Sign(voter, new TxPayload
        {
            ChainId = ChainId,
            CastVote = new CastVote { ElectionId = "city", Option = 1, Sequence = 1 },
        });
        var receipt = ReceiptAt(voteHeight, voteHeight < Activation ? _genesisKeys : NewSet, envelope);
        var key = StateKeys.Credential("city", voter.PublicKey);
        var credential = new CredentialRecord { Weight = 1, RegisteredHeight = 1 }.ToByteArray();
        var ballot = new BallotRecord { Option = 1, Sequence = 1, TxId = receipt.TxId, Height = voteHeight, Counted = true }.ToByteArray();
        var tree = new MemoryTreeNodeStore();
        var update = StateTree.Apply(tree, null, 1, [new TreeChange(StateColumn.Credentials, key, credential), new TreeChange(StateColumn.Ballots, key, ballot)]);
        tree.Commit(update);
        var block = BlockCodec.Build(ChainId, standingHeight, new byte[32], 3_000, 0, [], [], update.NewRoot);
        receipt.ProvenStanding = new ProvenStanding
        {
            Header = block.Block.Header,
            Certificate = Certify(NewSet, standingHeight, block.Hash, NewSet, ChainId),
            Credential = new ProvenRecord { Record = ByteString.CopyFrom(credential), Proof = StateTree.Prove(tree, 1, StateColumn.Credentials, key) },
            Ballot = new ProvenRecord { Record = ByteString.CopyFrom(ballot), Proof = StateTree.Prove(tree, 1, StateColumn.Ballots, key) },
        };
        return receipt;
    }

    /// <summary>The certified header of block <see cref="ApprovedAt"/>, announcing the genesis set plus the newcomer.</summary>
    private SetChangeProof ChangeProof(IReadOnlyList<Ed25519KeyPair> signers, string chainId = ChainId)
    {
        var change = new ValidatorChange { ActivationHeight = Activation };
        change.PublicKeys.AddRange(NewSet.Select(k => ByteString.CopyFrom(k.PublicKey)));
        var block = BlockCodec.Build(chainId, ApprovedAt, new byte[32], 1_000, 0, [], [], new byte[32], change);
        return new SetChangeProof
        {
            Header = block.Block.Header,
            Certificate = Certify(signers, ApprovedAt, block.Hash, _genesisKeys, chainId),
        };
    }

    /// <summary>A receipt for a one-transaction block at <paramref name="height"/>, certified by <paramref name="set"/>.</summary>
    private static Receipt ReceiptAt(ulong height, IReadOnlyList<Ed25519KeyPair> set, byte[]? vote = null)
    {
        var envelope = vote ?? System.Text.Encoding.UTF8.GetBytes($"a vote at {height}");
        var id = Hashing.Sha256(envelope);
        var block = BlockCodec.Build(ChainId, height, new byte[32], 2_000, 0, [envelope], [id], new byte[32]);
        var proof = MerkleTree.Prove([id], 0);
        return new Receipt
        {
            TxId = ByteString.CopyFrom(id),
            Height = height,
            Position = 0,
            Header = block.Block.Header,
            Proof = { proof.Path.Select(ByteString.CopyFrom) },
            TreeSize = proof.TreeSize,
            Certificate = Certify(set, height, block.Hash, set, ChainId),
            Envelope = ByteString.CopyFrom(envelope),
        };
    }

    /// <summary>Commit signatures by every signer, at its index in <paramref name="set"/>.</summary>
    private static CommitCertificate Certify(IReadOnlyList<Ed25519KeyPair> signers, ulong height, byte[] hash, IReadOnlyList<Ed25519KeyPair> set,
        string chainId) =>
        CommitCertificates.Build(height, 0, hash, signers.Select(signer => new KeyValuePair<uint, byte[]>(
            (uint)set.ToList().FindIndex(k => k.PublicKey.AsSpan().SequenceEqual(signer.PublicKey)),
            signer.Sign(MessageSigning.Bytes(SignStep.Commit, chainId, height, 0, hash)))));
}
