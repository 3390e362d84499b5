using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Over real gRPC: a vote's receipt carries the node's word on whether it is the vote counted now for its
/// credential; a later revote or a revocation turns that to no, while the receipt itself still verifies.
/// </summary>
public sealed class ReceiptStandingTests : ApiTestBase
{
    private const string Revoting = "revoting";

    private ReceiptVerifier Verifier => new(Chain.Validators, ApiChain.ChainId);

    [SetUp]
    public void CreateRevotingElection()
    {
        Chain.Commit(Chain.CreateElection(Revoting, allowRevote: true));
        Chain.Commit(Chain.Register(Revoting, Chain.Voter(1), Chain.Voter(2)));
    }

    [Test]
    public async Task A_vote_that_counts_says_so_at_the_nodes_height()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 1);
        Chain.Commit(vote);

        var receipt = await ReceiptFor(vote);
        var verdict = ReceiptStanding.Judge(receipt);

        Assert.That(receipt.Standing.Height, Is.EqualTo(Chain.Store.Height));
        Assert.That(receipt.Standing.Ballot.TxId.ToByteArray(), Is.EqualTo(Hashing.Sha256(vote)));
        Assert.That(verdict, Is.EqualTo(new VoteStandingVerdict(true, "yes: it is the vote counted for its credential", Chain.Store.Height)));
    }

    [Test]
    public async Task A_vote_replaced_by_a_later_revote_no_longer_counts_but_its_receipt_still_verifies()
    {
        var first = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 1);
        Chain.Commit(first);
        var revote = ApiChain.Vote(Revoting, Chain.Voter(1), 2, sequence: 2);
        Chain.Commit(revote);

        var receipt = await ReceiptFor(first);
        var verdict = ReceiptStanding.Judge(receipt);

        Assert.That(Verifier.Problem(receipt), Is.Null, "it was committed, and that is proven");
        Assert.That(verdict.CountedNow, Is.False);
        Assert.That(verdict.Sentence, Does.StartWith("no: a later vote of this credential (sequence 2, block ")
            .And.Contain(Convert.ToHexStringLower(Hashing.Sha256(revote))));
        Assert.That(ReceiptStanding.Judge(await ReceiptFor(revote)).CountedNow, Is.True);
    }

    [Test]
    public async Task A_vote_of_a_revoked_credential_no_longer_counts()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(2), 0);
        Chain.Commit(vote);
        Assert.That(ReceiptStanding.Judge(await ReceiptFor(vote)).CountedNow, Is.True);

        Chain.Commit(Chain.Revoke(Revoting, Chain.Voter(2)));
        var receipt = await ReceiptFor(vote);

        Assert.That(Verifier.Problem(receipt), Is.Null);
        Assert.That(ReceiptStanding.Judge(receipt),
            Is.EqualTo(new VoteStandingVerdict(false, "no: the credential was revoked, so its vote no longer counts", Chain.Store.Height)));
    }

    [Test]
    public async Task Other_transactions_carry_no_standing_and_a_receipt_without_one_is_unknown()
    {
        var registration = await ReceiptFor(Chain.Register(ApiChain.Election, Chain.Voter(1), Chain.Voter(2), Chain.Voter(3)));
        Assert.That(registration.Standing, Is.Null);
        Assert.That(ReceiptStanding.Judge(registration).CountedNow, Is.Null);

        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 1);
        Chain.Commit(vote);
        var silent = await ReceiptFor(vote);
        silent.Standing = null;
        Assert.That(ReceiptStanding.Judge(silent), Is.EqualTo(new VoteStandingVerdict(null, "unknown: the node did not say whether this vote counts now", null)));
    }

    private async Task<Receipt> ReceiptFor(byte[] envelope) =>
        await Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(envelope)) },
            cancellationToken: Deadline);
}
