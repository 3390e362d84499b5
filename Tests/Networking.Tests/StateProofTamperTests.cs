using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;
using static VoteChain.Networking.Tests.Support.ProofTampering;

namespace VoteChain.Networking.Tests;

/// <summary>
/// A ballot's proven standing and a tally's proof, as a real node serves them, verify with the genesis validators alone
/// and fail when any one byte changes: of the records, of each sibling and leaf field of their proofs, of the header, of
/// the certificate, and of the whole encoding a voter would save.
/// </summary>
public sealed class StateProofTamperTests : ApiTestBase
{
    private StandingVerifier Standings => new(Chain.Validators, ApiChain.ChainId);

    private TallyProofVerifier Tallies => new(Chain.Validators, ApiChain.ChainId);

    [SetUp]
    public void Vote()
    {
        // Several records in each column, so that the proofs have siblings to tamper with.
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1), ApiChain.Vote(ApiChain.Election, Chain.Voter(2), 0));
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(3), 2));
    }

    [Test]
    public async Task A_ballots_proven_standing_fails_when_any_byte_of_records_proofs_header_or_certificate_changes()
    {
        var receipt = await ReceiptFor(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1));
        Assert.That(Standings.Judge(receipt, out var genuine).Proven, Is.True, genuine);
        var standing = receipt.ProvenStanding;

        var changes = Record("credential", standing.Credential).Select(c => new Change<ProvenStanding>(c.What, s => c.Apply(s.Credential)))
            .Concat(Record("ballot", standing.Ballot).Select(c => new Change<ProvenStanding>(c.What, s => c.Apply(s.Ballot))))
            .Concat(Flips("header", standing.Header).Select(f => new Change<ProvenStanding>(f.What, s => s.Header = f.Bytes)))
            .Concat(Certificate(standing.Certificate).Select(c => new Change<ProvenStanding>(c.What, s => c.Apply(s.Certificate))))
            .ToList();
        var passed = changes.Where(change =>
        {
            var tampered = receipt.Clone();
            change.Apply(tampered.ProvenStanding);
            return StandingProblem(tampered) is null;
        }).Select(c => c.What).ToList();

        Assert.That(passed, Is.Empty);
        Assert.That(changes, Has.Count.GreaterThan(500), "every byte of the ballot, the proofs, the header and the signature");
    }

    [Test]
    public async Task A_saved_receipt_whose_proven_standing_has_any_byte_of_its_encoding_flipped_fails()
    {
        var receipt = await ReceiptFor(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1));

        var passed = EncodingFlips(receipt.ProvenStanding, ProvenStanding.Parser).Where(flip =>
        {
            var tampered = receipt.Clone();
            tampered.ProvenStanding = flip.Message;
            return StandingProblem(tampered) is null;
        }).Select(f => f.What).ToList();

        Assert.That(passed, Is.Empty);
    }

    [Test]
    public async Task A_tally_proof_verifies_offline_and_fails_when_any_byte_of_records_proofs_header_or_certificate_changes()
    {
        var response = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = ApiChain.Election, Prove = true }, cancellationToken: Deadline);
        var proof = response.Proof;
        var proven = Tallies.Verify(proof, out var genuine);
        Assert.That(proven, Is.Not.Null, genuine);
        Assert.That((proven!.Header.Height, proven.Tally, proven.Election.Definition.Options), Is.EqualTo((response.Height, response.Tally, response.Options)));
        Assert.That(proven.Tally.OptionWeights, Is.EqualTo(new ulong[] { 1, 1, 1 }));

        var changes = Record("election", proof.Election).Select(c => new Change<TallyProof>(c.What, p => c.Apply(p.Election)))
            .Concat(Record("tally", proof.Tally).Select(c => new Change<TallyProof>(c.What, p => c.Apply(p.Tally))))
            .Concat(Flips("header", proof.Header).Select(f => new Change<TallyProof>(f.What, p => p.Header = f.Bytes)))
            .Concat(Certificate(proof.Certificate).Select(c => new Change<TallyProof>(c.What, p => c.Apply(p.Certificate))))
            .Append(new Change<TallyProof>("election id", p => p.ElectionId = "budgeT"))
            .ToList();
        var passed = changes.Where(change =>
        {
            var tampered = proof.Clone();
            change.Apply(tampered);
            return Tallies.Verify(tampered, out _) is not null;
        }).Select(c => c.What).ToList();
        var encodings = EncodingFlips(proof, TallyProof.Parser).Where(flip => Tallies.Verify(flip.Message, out _) is not null)
            .Select(f => f.What).ToList();

        Assert.That(passed, Is.Empty);
        Assert.That(encodings, Is.Empty);
        Assert.That(changes, Has.Count.GreaterThan(500));
    }

    [Test]
    public void A_key_that_holds_nothing_is_proven_absent_and_a_record_claimed_for_it_fails()
    {
        Chain.Commit(Chain.Register(ApiChain.Election, Chain.Voter(4)));
        var height = Chain.Store.Height;
        var head = BlockHeader.Parser.ParseFrom(Block.Parser.ParseFrom(Chain.Store.GetBlockBytes(height)).Header);
        var stateRoot = head.StateRoot.ToByteArray();
        var key = StateKeys.Credential(ApiChain.Election, Chain.Voter(4).PublicKey);
        var absent = new ProvenRecord { Proof = Chain.Store.Prove(height, StateColumn.Ballots, key) };

        Assert.That(ProvenRecords.Problem(stateRoot, StateColumn.Ballots, key, absent, BallotRecord.Parser, "ballot record", out var none), Is.Null);
        Assert.That(none, Is.Null);

        absent.Record = new BallotRecord { Option = 1, Counted = true }.ToByteString();
        Assert.That(ProvenRecords.Problem(stateRoot, StateColumn.Ballots, key, absent, BallotRecord.Parser, "ballot record", out _),
            Is.EqualTo("The proof of the ballot record fails: The proof shows the key holds no record."));
    }

    [Test]
    public async Task Oversized_proofs_and_junk_set_changes_are_refused_and_a_stream_is_not_proven()
    {
        var proof = (await Client.GetTallyAsync(new GetTallyRequest { ElectionId = ApiChain.Election, Prove = true }, cancellationToken: Deadline)).Proof;

        var tooDeep = proof.Clone();
        tooDeep.Tally.Proof.Siblings.AddRange(Enumerable.Repeat(ByteString.CopyFrom(new byte[32]), 300));
        Tallies.Verify(tooDeep, out var deep);
        Assert.That(deep, Does.StartWith("The proof of the tally record is malformed: A state proof is at most 8772 bytes"));

        var padded = proof.Clone();
        padded.SetChanges.AddRange(Enumerable.Repeat(new SetChangeProof { Header = proof.Header, Certificate = proof.Certificate }, 10_000));
        Tallies.Verify(padded, out var junk);
        Assert.That(junk, Is.EqualTo("Set change 1 does not verify: its header announces no change of validators."));

        using var stream = Client.StreamTally(new GetTallyRequest { ElectionId = ApiChain.Election, Prove = true }, cancellationToken: Deadline);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await stream.ResponseStream.MoveNext(Deadline));
        Assert.That(refused!.StatusCode, Is.EqualTo(Grpc.Core.StatusCode.InvalidArgument));
    }

    private string? StandingProblem(Receipt receipt)
    {
        Standings.Judge(receipt, out var problem);
        return problem;
    }

    private async Task<Receipt> ReceiptFor(byte[] envelope) =>
        await Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(envelope)) },
            cancellationToken: Deadline);
}
