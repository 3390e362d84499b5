using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Receipts' proven standings (docs/STATE-PROOFS.md) from a real committed chain (RocksDB, the gRPC API) checked by the
/// page library (standing.js, state-proof.js) in Node.js with the genesis alone, and by the node's StandingVerifier on
/// the same receipt: counted, replaced by a later ballot and revoked come out the same, and every one-byte change of a
/// proof, of a record or of the header's state root fails in both, with the same sentence.
/// </summary>
[NonParallelizable]
public sealed class WebLibProvenStandingTests
{
    private const string Revoting = "revoting";

    private string _folder = "";
    private ApiChain _chain = null!;
    private ApiHost _host = null!;
    private WebLibTool _tool = null!;
    private Receipt _counted = null!;
    private Receipt _replaced = null!;
    private Receipt _revoked = null!;
    private byte[] _revote = [];
    private ulong _revoteHeight;
    private string _replacementHex = "";

    [OneTimeSetUp]
    public async Task CommitVotesARevoteAndARevocation()
    {
        _tool = WebLibTool.Start();
        _folder = Path.Combine(Path.GetTempPath(), "votechain-weblib-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _host = await ApiHost.StartAsync(new ApiService(_chain.Store, _chain.Mempool, _chain.Events, new StoreStatusSource(_chain.Store)));
        _chain.Commit(_chain.CreateElection(Revoting, allowRevote: true));
        _chain.Commit(_chain.Register(Revoting, _chain.Voter(1), _chain.Voter(2)));

        var first = ApiChain.Vote(Revoting, _chain.Voter(1), 0, sequence: 1);
        var revoked = ApiChain.Vote(Revoting, _chain.Voter(2), 1);
        _chain.Commit(first, revoked);
        _counted = await ReceiptFor(first);

        _revote = ApiChain.Vote(Revoting, _chain.Voter(1), 2, sequence: 2);
        _revoteHeight = _chain.Commit(_revote).Height;
        var replacement = _chain.Voter(9); // disposed with the chain
        _replacementHex = Convert.ToHexStringLower(replacement.PublicKey);
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload
        {
            RevokeCredential = new RevokeCredential
            {
                ElectionId = Revoting,
                Credential = ByteString.CopyFrom(_chain.Voter(2).PublicKey),
                Replacement = ByteString.CopyFrom(replacement.PublicKey),
            },
        }));
        _replaced = await ReceiptFor(first);
        _revoked = await ReceiptFor(revoked);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _tool.Dispose();
        await _host.DisposeAsync();
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public void A_counted_vote_is_proven_counted_at_the_height_of_its_standing()
    {
        var standing = SameStanding(_counted);

        Assert.That(Kind(standing), Is.EqualTo("counted"));
        Assert.That(standing["height"]!.GetValue<string>(), Is.EqualTo((_revoteHeight - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(standing["sentence"]!.GetValue<string>(), Is.EqualTo("yes: it is the vote counted for its credential"));
    }

    [Test]
    public void A_revote_makes_the_earlier_receipt_proven_replaced_by_the_later_ballot()
    {
        var standing = SameStanding(_replaced);

        Assert.That(Kind(standing), Is.EqualTo("replaced"));
        Assert.That(standing["replacedByTxId"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(Hashing.Sha256(_revote))));
        Assert.That(standing["replacedAtHeight"]!.GetValue<string>(), Is.EqualTo(_revoteHeight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void A_revocation_is_proven_revoked_and_names_the_replacement_credential()
    {
        var standing = SameStanding(_revoked);

        Assert.That(Kind(standing), Is.EqualTo("revoked"));
        Assert.That(standing["replacementCredential"]!.GetValue<string>(), Is.EqualTo(_replacementHex));
    }

    [Test]
    public void Every_one_byte_change_of_either_proof_fails()
    {
        var checkedBytes = 0;
        foreach (var which in new[] { "credential", "ballot" })
        {
            var proof = Proven(_replaced, which).Proof;
            var fields = proof.Siblings.Select((_, i) => (Action<StateProof, ByteString>)((p, v) => p.Siblings[i] = v))
                .Zip(proof.Siblings, (set, value) => (set, value))
                .Append(((p, v) => p.LeafPath = v, proof.LeafPath))
                .Append(((p, v) => p.LeafValueHash = v, proof.LeafValueHash));
            foreach (var (set, value) in fields)
            {
                for (var at = 0; at < value.Length; at++, checkedBytes++)
                {
                    var receipt = _replaced.Clone();
                    set(Proven(receipt, which).Proof, Flipped(value, at));
                    Assert.That(Kind(SameStanding(receipt)), Is.EqualTo("failed"), () => $"{which} proof, a byte at {at} of {value.ToBase64()}");
                }
            }
        }

        Assert.That(checkedBytes, Is.GreaterThan(4 * 32), "both proofs hold their leaf fields and at least one sibling");
    }

    [Test]
    public void Every_one_byte_change_of_either_record_fails()
    {
        foreach (var which in new[] { "credential", "ballot" })
        {
            var record = Proven(_counted, which).Record;
            for (var at = 0; at < record.Length; at++)
            {
                var receipt = _counted.Clone();
                Proven(receipt, which).Record = Flipped(record, at);
                var standing = SameStanding(receipt);
                Assert.That(standing["problem"]!.GetValue<string>(), Is.EqualTo(
                    $"The proof of the {which} record fails: The record is not the one the proof holds: its hash differs."));
            }
        }
    }

    [Test]
    public void A_changed_state_root_fails_the_certificate_and_re_certified_it_fails_the_proof()
    {
        var receipt = _counted.Clone();
        var header = BlockHeader.Parser.ParseFrom(receipt.ProvenStanding.Header);
        header.StateRoot = Flipped(header.StateRoot, 7);
        receipt.ProvenStanding.Header = header.ToByteString();

        Assert.That(SameStanding(receipt)["problem"]!.GetValue<string>(),
            Is.EqualTo("The proven block header's commit certificate does not verify: the certificate is for another block hash."));

        // The validator signing the changed header: the certificate holds, and the proofs no longer lead to its root.
        var hash = Hashing.Sha256(receipt.ProvenStanding.Header.Span);
        var signature = _chain.Validator.Sign(MessageSigning.Bytes(SignStep.Commit, ApiChain.ChainId, header.Height, 0, hash));
        receipt.ProvenStanding.Certificate = CommitCertificates.Build(header.Height, 0, hash, [new KeyValuePair<uint, byte[]>(0, signature)]);

        Assert.That(SameStanding(receipt)["problem"]!.GetValue<string>(),
            Is.EqualTo("The proof of the credential record fails: The proof does not lead to the state root."));
    }

    [Test]
    public void A_standing_from_before_the_vote_or_under_other_validators_fails()
    {
        var early = _revoked.Clone();
        var header = BlockHeader.Parser.ParseFrom(early.ProvenStanding.Header);
        early.Height = header.Height + 1;
        Assert.That(SameStanding(early)["problem"]!.GetValue<string>(),
            Is.EqualTo($"The proven standing is at height {header.Height}, before the vote's block {header.Height + 1}."));

        var stranger = _chain.Key(70);
        var standing = _tool.Result(new { op = "verify-standing", receipt = Json(_counted), genesisObject = Genesis(stranger.PublicKey) });
        new StandingVerifier(new ValidatorSet([stranger.PublicKey]), ApiChain.ChainId).Judge(_counted, out var problem);
        Assert.That(standing["problem"]!.GetValue<string>(), Is.EqualTo(problem).And.StartWith("The proven block header's commit certificate does not verify: "));
    }

    [Test]
    public void A_proof_with_more_than_256_siblings_is_refused_before_it_is_read()
    {
        var receipt = _counted.Clone();
        var ballot = receipt.ProvenStanding.Ballot.Proof;
        ballot.Siblings.Clear();
        ballot.Siblings.AddRange(Enumerable.Range(1, 257).Select(i => ByteString.CopyFrom(Hashing.Sha256(BitConverter.GetBytes(i)))));

        var standing = _tool.Result(new { op = "verify-standing", receipt = Json(receipt), genesisObject = Genesis(_chain.Validator.PublicKey) });
        new StandingVerifier(_chain.Validators, ApiChain.ChainId).Judge(receipt, out var nodeProblem);

        // The node refuses the proof's bytes by their size, the page the siblings by their count: both before hashing.
        Assert.That(standing["problem"]!.GetValue<string>(),
            Is.EqualTo("The proof of the ballot record is malformed: A state proof has at most 256 siblings, not 257."));
        Assert.That(nodeProblem, Does.StartWith("The proof of the ballot record is malformed: A state proof is at most"));
    }

    [Test]
    public void A_standing_the_JSON_mapping_cannot_describe_fails_closed()
    {
        foreach (var (field, value) in new[] { ("siblings", "not an array"), ("leafPath", "not base64!") })
        {
            var json = Json(_counted);
            json["provenStanding"]!["ballot"]!["proof"]![field] = value;

            var standing = _tool.Result(new { op = "verify-standing", receipt = json, genesisObject = Genesis(_chain.Validator.PublicKey) });

            Assert.That(Kind(standing), Is.EqualTo("failed"), field);
            Assert.That(standing["problem"]!.GetValue<string>(), Does.StartWith("The proven standing is not well-formed: "), field);
        }
    }

    [Test]
    public void A_receipt_without_a_proven_standing_or_not_of_a_vote_has_none_to_show()
    {
        var old = _counted.Clone();
        old.ProvenStanding = null;

        Assert.That(_tool.Result(new { op = "verify-standing", receipt = Json(old), genesisObject = Genesis(_chain.Validator.PublicKey) }), Is.Null);

        var notAVote = _counted.Clone();
        notAVote.Envelope = ByteString.CopyFromUtf8("not a transaction");
        Assert.That(_tool.Result(new { op = "verify-standing", receipt = Json(notAVote), genesisObject = Genesis(_chain.Validator.PublicKey) }), Is.Null);
    }

    /// <summary>
    /// The library's proven standing of <paramref name="receipt"/>, asserted to agree with the node's StandingVerifier on
    /// the same receipt: the same verdict sentence (a failure's names the problem), height and problem.
    /// </summary>
    private JsonNode SameStanding(Receipt receipt)
    {
        var standing = _tool.Result(new { op = "verify-standing", receipt = Json(receipt), genesisObject = Genesis(_chain.Validator.PublicKey) });
        var verdict = new StandingVerifier(_chain.Validators, ApiChain.ChainId).Judge(receipt, out var problem);
        Assert.Multiple(() =>
        {
            Assert.That(standing["sentence"]!.GetValue<string>(), Is.EqualTo(verdict.Sentence));
            Assert.That(standing["problem"]?.GetValue<string>(), Is.EqualTo(problem));
            Assert.That(standing["height"]?.GetValue<string>(), Is.EqualTo(verdict.AsOfHeight?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(verdict.Proven, Is.EqualTo(problem is null));
        });
        return standing;
    }

    private static string Kind(JsonNode standing) => standing["kind"]!.GetValue<string>();

    private static ProvenRecord Proven(Receipt receipt, string which) =>
        which == "ballot" ? receipt.ProvenStanding.Ballot : receipt.ProvenStanding.Credential;

    private static JsonNode Json(Receipt receipt) => JsonNode.Parse(JsonFormatter.Default.Format(receipt))!;

    private static object Genesis(byte[] validator) =>
        new { chainId = ApiChain.ChainId, validators = new[] { new { publicKey = Convert.ToHexStringLower(validator) } } };

    private static ByteString Flipped(ByteString value, int at)
    {
        var bytes = value.ToByteArray();
        bytes[at] ^= 0x01;
        return ByteString.CopyFrom(bytes);
    }

    private async Task<Receipt> ReceiptFor(byte[] envelope) =>
        await _host.Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(envelope)) });
}
