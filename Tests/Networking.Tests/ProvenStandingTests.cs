using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Over real gRPC and RocksDB: a vote's receipt proves, against the certified header of the node's head, whether it is
/// the ballot counted for its credential, which later ballot replaced it, or that the credential was revoked. The
/// verifier trusts the genesis validators only; a header of another set fails, and an old receipt keeps the node's word.
/// </summary>
public sealed class ProvenStandingTests : ApiTestBase
{
    private const string Revoting = "revoting";

    private StandingVerifier Verifier => new(Chain.Validators, ApiChain.ChainId);

    [SetUp]
    public void CreateRevotingElection()
    {
        Chain.Commit(Chain.CreateElection(Revoting, allowRevote: true));
        Chain.Commit(Chain.Register(Revoting, Chain.Voter(1), Chain.Voter(2)));
    }

    [Test]
    public async Task A_counted_vote_is_proven_counted_at_the_nodes_head()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 1);
        Chain.Commit(vote);
        Chain.Commit();

        var receipt = await ReceiptFor(vote);
        var verdict = Verifier.Judge(receipt, out var problem);

        Assert.That(problem, Is.Null);
        Assert.That(verdict, Is.EqualTo(new VoteStandingVerdict(true, "yes: it is the vote counted for its credential", Chain.Store.Height, Proven: true)));
        Assert.That(receipt.ProvenStanding.SetChanges, Is.Empty, "the validators never changed");
    }

    [Test]
    public async Task A_revote_makes_the_earlier_receipt_proven_replaced_by_the_later_ballot()
    {
        var first = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 1);
        Chain.Commit(first);
        var revote = ApiChain.Vote(Revoting, Chain.Voter(1), 2, sequence: 2);
        var revoteHeight = Chain.Commit(revote).Height;

        var verdict = Verifier.Judge(await ReceiptFor(first), out var problem);

        Assert.That(problem, Is.Null);
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Proven, Is.True);
            Assert.That(verdict.CountedNow, Is.False);
            Assert.That(verdict.ReplacedByTxId, Is.EqualTo(Convert.ToHexStringLower(Hashing.Sha256(revote))));
            Assert.That(verdict.ReplacedAtHeight, Is.EqualTo(revoteHeight));
            Assert.That(verdict.Sentence, Does.StartWith("no: a later vote of this credential (sequence 2, block "));
        });
        Assert.That(Verifier.Judge(await ReceiptFor(revote), out _).CountedNow, Is.True);
    }

    [Test]
    public async Task A_revocation_is_proven_revoked_and_names_the_replacement_credential()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(2), 0);
        Chain.Commit(vote);
        var replacement = Chain.Voter(9);
        Chain.Commit(ApiChain.Sign(Chain.Authority, new TxPayload
        {
            RevokeCredential = new RevokeCredential
            {
                ElectionId = Revoting,
                Credential = ByteString.CopyFrom(Chain.Voter(2).PublicKey),
                Replacement = ByteString.CopyFrom(replacement.PublicKey),
            },
        }));

        var verdict = Verifier.Judge(await ReceiptFor(vote), out var problem);

        Assert.That(problem, Is.Null);
        var hex = Convert.ToHexStringLower(replacement.PublicKey);
        Assert.That(verdict, Is.EqualTo(new VoteStandingVerdict(false,
            $"no: the credential was revoked, so its vote no longer counts (it was replaced by credential {hex})", Chain.Store.Height,
            Proven: true, ReplacementCredential: hex)));
    }

    [Test]
    public async Task A_header_certified_by_another_set_fails_and_so_does_a_standing_from_before_the_vote()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 1);
        Chain.Commit(vote);
        var receipt = await ReceiptFor(vote);

        using var stranger = Ed25519KeyPair.Generate();
        new StandingVerifier(new ValidatorSet([stranger.PublicKey]), ApiChain.ChainId).Judge(receipt, out var wrongSet);
        Assert.That(wrongSet, Does.StartWith("The proven block header's commit certificate does not verify: "));

        new StandingVerifier(Chain.Validators, "other-chain").Judge(receipt, out var wrongChain);
        Assert.That(wrongChain, Is.EqualTo("The proven block header is for chain 'api-test', not 'other-chain'."));

        var later = ApiChain.Vote(Revoting, Chain.Voter(2), 1);
        Chain.Commit(later);
        var laterReceipt = await ReceiptFor(later);
        laterReceipt.ProvenStanding = receipt.ProvenStanding;
        Verifier.Judge(laterReceipt, out var early);
        Assert.That(early, Is.EqualTo($"The proven standing is at height {receipt.Height}, before the vote's block {laterReceipt.Height}."));
    }

    [Test]
    public async Task A_receipt_without_a_proven_standing_keeps_the_nodes_word()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 1);
        Chain.Commit(vote);
        var receipt = await ReceiptFor(vote);
        receipt.ProvenStanding = null;

        var verdict = Verifier.Judge(receipt, out var problem);

        Assert.That(problem, Is.Null);
        Assert.That(verdict, Is.EqualTo(ReceiptStanding.Judge(receipt)));
        Assert.That((verdict.Proven, verdict.CountedNow), Is.EqualTo((false, (bool?)true)));
    }

    [Test]
    public async Task A_vote_whose_block_is_pruned_from_the_tree_is_proven_at_the_head_and_a_saved_receipt_keeps_its_height()
    {
        var vote = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 1);
        var voteHeight = Chain.Commit(vote).Height;
        var saved = await ReceiptFor(vote);
        var savedHeight = Chain.Store.Height;
        var revoteHeight = Chain.Commit(ApiChain.Vote(Revoting, Chain.Voter(1), 2, sequence: 2)).Height;
        for (var i = 0UL; i <= ChainStore.KeptTreeVersions; i++)
        {
            Chain.Commit();
        }

        var key = StateKeys.Credential(Revoting, Chain.Voter(1).PublicKey);
        Assert.That(Chain.Store.Prove(voteHeight, StateColumn.Ballots, key), Is.Null, "the vote's own height is pruned");

        var fresh = Verifier.Judge(await ReceiptFor(vote), out var freshProblem);
        Assert.That(freshProblem, Is.Null);
        Assert.That((fresh.Proven, fresh.CountedNow, fresh.AsOfHeight, fresh.ReplacedAtHeight),
            Is.EqualTo((true, (bool?)false, (ulong?)Chain.Store.Height, (ulong?)revoteHeight)));

        // Offline, the saved receipt still proves what held when it was made, and says when that was.
        var old = Verifier.Judge(saved, out var oldProblem);
        Assert.That(oldProblem, Is.Null);
        Assert.That((old.Proven, old.CountedNow, old.AsOfHeight), Is.EqualTo((true, (bool?)true, (ulong?)savedHeight)));
    }

    [Test]
    public async Task Other_transactions_carry_no_proven_standing()
    {
        var registration = await ReceiptFor(Chain.Register(Revoting, Chain.Voter(1), Chain.Voter(2)));

        Assert.That(registration.ProvenStanding, Is.Null);
        Assert.That(Verifier.Judge(registration, out var problem), Is.EqualTo(ReceiptStanding.NotAVote));
        Assert.That(problem, Is.Null);
    }

    private async Task<Receipt> ReceiptFor(byte[] envelope) =>
        await Client.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Hashing.Sha256(envelope)) },
            cancellationToken: Deadline);
}
