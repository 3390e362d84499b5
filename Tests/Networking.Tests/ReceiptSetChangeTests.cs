using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Receipts across changes of the validator set (docs/GOVERNANCE.md): the verifier holds only the genesis set and walks
/// the certified headers that announced each change, like a light client. A change left out, forged or certified by too
/// few fails; a receipt from before a change needs none.
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
    private static Receipt ReceiptAt(ulong height, IReadOnlyList<Ed25519KeyPair> set)
    {
        var envelope = System.Text.Encoding.UTF8.GetBytes($"a vote at {height}");
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
