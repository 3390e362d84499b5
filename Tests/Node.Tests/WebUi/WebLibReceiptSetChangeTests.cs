using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Receipts across changes of the validator set (docs/GOVERNANCE.md) checked by the page library (receipt.js) in
/// Node.js, holding only the genesis: it walks the certified headers that announced each change, like the node's
/// ReceiptVerifier, and fails where it fails with the same sentence. A problem on the walk fails the certificate check.
/// </summary>
[NonParallelizable]
public sealed class WebLibReceiptSetChangeTests
{
    private const string ChainId = "web-set-change-test";
    private const ulong FirstApprovedAt = 2;
    private const ulong FirstActivation = FirstApprovedAt + GovernanceRules.ActivationDelay;
    private const ulong SecondApprovedAt = FirstActivation + 1;
    private const ulong SecondActivation = SecondApprovedAt + GovernanceRules.ActivationDelay;

    private readonly List<Ed25519KeyPair> _genesisKeys = [.. Enumerable.Range(0, 4).Select(_ => Ed25519KeyPair.Generate())];
    private readonly Ed25519KeyPair _newcomer = Ed25519KeyPair.Generate();
    private readonly List<Ed25519KeyPair> _strangers = [.. Enumerable.Range(0, 4).Select(_ => Ed25519KeyPair.Generate())];
    private WebLibTool _tool = null!;

    [OneTimeSetUp]
    public void StartTheLibrary() => _tool = WebLibTool.Start();

    [OneTimeTearDown]
    public void TearDown()
    {
        _tool.Dispose();
        foreach (var key in _genesisKeys.Concat(_strangers))
        {
            key.Dispose();
        }

        _newcomer.Dispose();
    }

    /// <summary>The first change: the newcomer joins the genesis set.</summary>
    private List<Ed25519KeyPair> FirstSet => [.. _genesisKeys, _newcomer];

    /// <summary>The second change: genesis's first validator leaves the first set.</summary>
    private List<Ed25519KeyPair> SecondSet => [.. FirstSet.Skip(1)];

    private ReceiptVerifier NodeVerifier => new(new ValidatorSet(_genesisKeys.Select(k => k.PublicKey)), ChainId);

    [Test]
    public void A_receipt_on_a_chain_whose_set_never_changed_verifies_with_no_changes()
    {
        var verdict = Verdict(ReceiptAt(FirstApprovedAt + 1, _genesisKeys));

        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void A_receipt_after_a_change_verifies_through_the_certified_header_that_announced_it()
    {
        var receipt = ReceiptAt(FirstActivation + 2, FirstSet);
        receipt.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys));

        var verdict = Verdict(receipt);

        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public void A_receipt_after_two_changes_verifies_each_change_against_the_set_before_it()
    {
        var receipt = ReceiptAt(SecondActivation, SecondSet);
        receipt.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys));
        receipt.SetChanges.Add(ChangeProof(SecondApprovedAt, SecondSet, FirstSet, FirstSet));

        Assert.That(Verdict(receipt)["ok"]!.GetValue<bool>(), Is.True);

        var reversed = receipt.Clone();
        reversed.SetChanges.Clear();
        reversed.SetChanges.Add(receipt.SetChanges.Reverse());
        Assert.That(Problem(Verdict(reversed), "certificate"), Does.StartWith("Set change 1 does not verify"),
            "the second change's header is certified by a set the walk has not reached");
    }

    [Test]
    public void Leaving_the_change_out_fails_the_receipt_s_own_certificate()
    {
        var verdict = Verdict(ReceiptAt(FirstActivation + 2, FirstSet));

        Assert.That(Problem(verdict, "certificate"), Does.StartWith("The commit certificate does not verify"));
    }

    [Test]
    public void A_change_certified_by_keys_that_are_not_the_set_in_force_fails()
    {
        var receipt = ReceiptAt(FirstActivation + 2, FirstSet);
        var strangers = ChangeProof(FirstApprovedAt, FirstSet, _strangers, _strangers);
        receipt.SetChanges.Add(strangers);

        Assert.That(Problem(Verdict(receipt), "certificate"), Is.EqualTo("Set change 1 does not verify: the commit signature of validator 0 does not verify."));
    }

    [Test]
    public void A_change_certified_by_too_few_fails()
    {
        var receipt = ReceiptAt(FirstActivation + 2, FirstSet);
        receipt.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys.Take(2).ToList(), _genesisKeys));

        Assert.That(Problem(Verdict(receipt), "certificate"), Does.StartWith("Set change 1 does not verify").And.Contain("a quorum is 3"));
    }

    [Test]
    public void A_change_whose_header_was_tampered_with_after_signing_fails()
    {
        var receipt = ReceiptAt(FirstActivation + 2, FirstSet);
        var proof = ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys);
        var header = proof.Header.ToByteArray();
        header[^1] ^= 0x01; // the last byte of the last key the change names
        proof.Header = ByteString.CopyFrom(header);
        receipt.SetChanges.Add(proof);

        Assert.That(Problem(Verdict(receipt), "certificate"), Is.EqualTo("Set change 1 does not verify: the certificate is for another block hash."));
    }

    [Test]
    public void A_change_of_another_chain_or_not_in_force_by_the_receipt_s_block_or_of_the_wrong_shape_fails()
    {
        var otherChain = ReceiptAt(FirstActivation + 2, FirstSet);
        otherChain.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys, chainId: "other-chain"));
        Assert.That(Problem(Verdict(otherChain), "certificate"), Does.Contain("it is for chain 'other-chain'"));

        var early = ReceiptAt(FirstApprovedAt + 1, _genesisKeys);
        early.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys));
        Assert.That(Problem(Verdict(early), "certificate"), Does.Contain("after the receipt's block"));

        var lateActivation = ReceiptAt(FirstActivation + 2, FirstSet);
        lateActivation.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys, activation: FirstActivation + 1));
        Assert.That(Problem(Verdict(lateActivation), "certificate"), Does.Contain($"takes effect at height {FirstActivation + 1}, not {FirstActivation}"));

        var noChange = ReceiptAt(FirstActivation + 2, FirstSet);
        noChange.SetChanges.Add(new SetChangeProof { Header = noChange.Header, Certificate = noChange.Certificate });
        Assert.That(Problem(Verdict(noChange), "certificate"), Does.Contain("announces no change of validators"));
    }

    /// <summary>
    /// The library's verdict, with the node's problem sentence (or none) asserted equal to the library's. The node's
    /// verdict is its sentence: `votechain receipt` names the check, and the page names the certificate check for a
    /// problem on the walk of set changes.
    /// </summary>
    private JsonNode Verdict(Receipt receipt)
    {
        var genesis = new GenesisMessage { ChainId = ChainId, GenesisTimeUnixMs = 1_000, Params = new ConsensusParams() };
        genesis.Validators.AddRange(_genesisKeys.Select((k, i) => new ValidatorInfo
        {
            Name = $"validator-{i}", PublicKey = ByteString.CopyFrom(k.PublicKey), Endpoint = $"http://127.0.0.1:{7200 + i}",
        }));
        var verdict = _tool.Result(new
        {
            op = "verify-receipt",
            receipt = JsonNode.Parse(JsonFormatter.Default.Format(receipt)),
            genesis = Convert.ToHexStringLower(genesis.ToByteArray()),
        });
        var libraryProblem = verdict["checks"]!.AsArray().Select(c => c!["problem"]?.GetValue<string>()).SingleOrDefault(p => p is not null);
        Assert.That(libraryProblem, Is.EqualTo(NodeVerifier.Problem(receipt)));
        return verdict;
    }

    /// <summary>The problem of a failed verdict, asserted to fail <paramref name="check"/> after every check before it passed.</summary>
    private static string Problem(JsonNode verdict, string check)
    {
        var checks = verdict["checks"]!.AsArray();
        var failed = checks.Select(c => c!["result"]!.GetValue<string>()).ToList().IndexOf("FAILED");
        Assert.That(verdict["ok"]!.GetValue<bool>(), Is.False);
        Assert.That(checks[failed]!["name"]!.GetValue<string>(), Is.EqualTo(check));
        Assert.That(checks.Take(failed).Select(c => c!["result"]!.GetValue<string>()), Is.All.EqualTo("ok"));
        return checks[failed]!["problem"]!.GetValue<string>();
    }

    /// <summary>The certified header of block <paramref name="height"/>, announcing <paramref name="newSet"/>.</summary>
    private static SetChangeProof ChangeProof(ulong height, IReadOnlyList<Ed25519KeyPair> newSet, IReadOnlyList<Ed25519KeyPair> signers,
        IReadOnlyList<Ed25519KeyPair> set, string chainId = ChainId, ulong? activation = null)
    {
        var change = new ValidatorChange { ActivationHeight = activation ?? height + GovernanceRules.ActivationDelay };
        change.PublicKeys.AddRange(newSet.Select(k => ByteString.CopyFrom(k.PublicKey)));
        var block = BlockCodec.Build(chainId, height, new byte[32], 1_000, 0, [], [], new byte[32], change);
        return new SetChangeProof { Header = block.Block.Header, Certificate = Certify(signers, height, block.Hash, set, chainId) };
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
