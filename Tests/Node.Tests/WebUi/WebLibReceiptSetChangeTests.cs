using System.Text.Json.Nodes;
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
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Receipts across changes of the validator set (docs/GOVERNANCE.md) checked by the page library (receipt.js) in
/// Node.js, holding only the genesis: it walks the certified headers that announced each change, like the node's
/// ReceiptVerifier, and fails where it fails with the same sentence. A problem on the walk fails the certificate check.
/// A proven standing (standing.js) walks the receipt's changes and then its own, as the node's StandingVerifier does.
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

    [Test]
    public void A_standing_proven_after_a_change_walks_the_receipt_s_changes_then_its_own_and_fails_without_them()
    {
        using var voter = Ed25519KeyPair.Generate();
        var receipt = VoteWithStanding(voter, FirstApprovedAt + 1, _genesisKeys, FirstActivation + 2, FirstSet);
        receipt.ProvenStanding.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys));

        Assert.That(Verdict(receipt)["ok"]!.GetValue<bool>(), Is.True, "the receipt's own list is as before: nothing after its block");
        Assert.That(Standing(receipt)["kind"]!.GetValue<string>(), Is.EqualTo("counted"));

        var missing = receipt.Clone();
        missing.ProvenStanding.SetChanges.Clear();
        Assert.That(Standing(missing)["problem"]!.GetValue<string>(), Does.StartWith("The proven block header's commit certificate does not verify: "));
    }

    [Test]
    public void A_standing_two_changes_on_walks_the_receipt_s_change_then_the_standing_s()
    {
        using var voter = Ed25519KeyPair.Generate();
        var receipt = VoteWithStanding(voter, FirstActivation + 1, FirstSet, SecondActivation, SecondSet);
        receipt.SetChanges.Add(ChangeProof(FirstApprovedAt, FirstSet, _genesisKeys, _genesisKeys));
        receipt.ProvenStanding.SetChanges.Add(ChangeProof(SecondApprovedAt, SecondSet, FirstSet, FirstSet));

        Assert.That(Standing(receipt)["kind"]!.GetValue<string>(), Is.EqualTo("counted"));

        // The standing's change signed by three of the five validators in force at its height: short of a quorum.
        var wrongSigners = receipt.Clone();
        wrongSigners.ProvenStanding.SetChanges[0] = ChangeProof(SecondApprovedAt, SecondSet, _genesisKeys.Skip(1).ToList(), _genesisKeys);
        Assert.That(Standing(wrongSigners)["problem"]!.GetValue<string>(), Does.StartWith("Set change 2 does not verify: "));
    }

    /// <summary>
    /// The library's proven standing, asserted to agree with the node's StandingVerifier on the same receipt: the same
    /// verdict sentence and problem.
    /// </summary>
    private JsonNode Standing(Receipt receipt)
    {
        var standing = _tool.Result(new { op = "verify-standing", receipt = JsonNode.Parse(JsonFormatter.Default.Format(receipt)), genesis = GenesisHex() });
        var verdict = new StandingVerifier(new ValidatorSet(_genesisKeys.Select(k => k.PublicKey)), ChainId).Judge(receipt, out var problem);
        Assert.That(standing["sentence"]!.GetValue<string>(), Is.EqualTo(verdict.Sentence));
        Assert.That(standing["problem"]?.GetValue<string>(), Is.EqualTo(problem));
        return standing;
    }

    /// <summary>
    /// A receipt for <paramref name="voter"/>'s vote at <paramref name="voteHeight"/>, certified by <paramref name="voteSet"/>,
    /// with its standing proven under a header at <paramref name="standingHeight"/> certified by <paramref name="standingSet"/>:
    /// a state tree (the node's own code) of two records, the credential and the ballot that counts this vote.
    /// </summary>
    private static Receipt VoteWithStanding(Ed25519KeyPair voter, ulong voteHeight, IReadOnlyList<Ed25519KeyPair> voteSet,
        ulong standingHeight, IReadOnlyList<Ed25519KeyPair> standingSet)
    {
        var envelope = TxSigning.Sign(voter, new TxPayload { ChainId = ChainId, CastVote = new CastVote { ElectionId = "city", Option = 1, Sequence = 1 } });
        var receipt = ReceiptAt(voteHeight, voteSet, envelope);
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
            Certificate = Certify(standingSet, standingHeight, block.Hash, standingSet, ChainId),
            Credential = new ProvenRecord { Record = ByteString.CopyFrom(credential), Proof = StateTree.Prove(tree, 1, StateColumn.Credentials, key) },
            Ballot = new ProvenRecord { Record = ByteString.CopyFrom(ballot), Proof = StateTree.Prove(tree, 1, StateColumn.Ballots, key) },
        };
        return receipt;
    }

    /// <summary>
    /// The library's verdict, with the node's problem sentence (or none) asserted equal to the library's. The node's
    /// verdict is its sentence: `votechain receipt` names the check, and the page names the certificate check for a
    /// problem on the walk of set changes.
    /// </summary>
    private JsonNode Verdict(Receipt receipt)
    {
        var verdict = _tool.Result(new
        {
            op = "verify-receipt",
            receipt = JsonNode.Parse(JsonFormatter.Default.Format(receipt)),
            genesis = GenesisHex(),
        });
        var libraryProblem = verdict["checks"]!.AsArray().Select(c => c!["problem"]?.GetValue<string>()).SingleOrDefault(p => p is not null);
        Assert.That(libraryProblem, Is.EqualTo(NodeVerifier.Problem(receipt)));
        return verdict;
    }

    private string GenesisHex()
    {
        var genesis = new GenesisMessage { ChainId = ChainId, GenesisTimeUnixMs = 1_000, Params = new ConsensusParams() };
        genesis.Validators.AddRange(_genesisKeys.Select((k, i) => new ValidatorInfo
        {
            Name = $"validator-{i}", PublicKey = ByteString.CopyFrom(k.PublicKey), Endpoint = $"http://127.0.0.1:{7200 + i}",
        }));
        return Convert.ToHexStringLower(genesis.ToByteArray());
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
