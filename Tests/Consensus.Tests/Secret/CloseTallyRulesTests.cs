using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// CloseTally through the real rules: a trustee's empty transaction that makes a block past the close, accepted
/// only then, only from a trustee of a secret election whose result is not out, and writing nothing.
/// </summary>
public sealed class CloseTallyRulesTests
{
    private SecretElectionHarness _election = null!;

    private TestChain Chain => _election.Chain;

    [SetUp]
    public void SetUp()
    {
        _election = new SecretElectionHarness(trustees: 3, threshold: 2);
        var alice = Chain.Key(1);
        Chain.CommitOk(_election.Register((alice, 3)));
        Chain.CommitOk(_election.Vote(alice, 3, [2]));
    }

    [TearDown]
    public void TearDown() => _election.Dispose();

    private VerifiedTx Close(ISigner signer, string election = SecretElectionHarness.Id) =>
        Chain.Signed(signer, new TxPayload { CloseTally = new CloseTally { ElectionId = election } });

    private static void Refused(Rejection? rejection, RejectCode code, string fragment)
    {
        Assert.That(rejection, Is.Not.Null, "the transaction was accepted");
        Assert.That(rejection!.Code, Is.EqualTo(code), rejection.Message);
        Assert.That(rejection.Message, Does.Contain(fragment));
    }

    [Test]
    public void Before_the_close_it_is_phase_not_open()
    {
        Chain.Time = _election.ClosesAt - 1;
        Refused(Chain.Commit(Close(_election.Trustees[0])), RejectCode.PhaseNotOpen, "only once it has closed");
    }

    [Test]
    public void At_the_close_one_trustee_s_close_is_taken_changes_nothing_counted_and_every_later_one_is_phase_over()
    {
        _election.Close();
        var secret = Chain.State.GetSecret(SecretElectionHarness.Id);
        var tally = Chain.Tally(SecretElectionHarness.Id);
        var height = Chain.State.Height;
        var close = Close(_election.Trustees[1]);

        Assert.That(Chain.Commit(close), Is.Null);
        Assert.That(Chain.State.Height, Is.EqualTo(height + 1), "a block past the close");
        Assert.That(Chain.State.GetSecret(SecretElectionHarness.Id), Is.EqualTo(secret));
        var closed = Chain.Tally(SecretElectionHarness.Id)!;
        Assert.That(closed.TallyClosed, Is.True);
        closed.TallyClosed = false;
        Assert.That(closed, Is.EqualTo(tally), "nothing else in the tally changes");
        Refused(Chain.Commit(Close(_election.Trustees[1])), RejectCode.DuplicateTransaction, "already been included");
        // A signer can make any number of distinct envelopes (other nonces); one close per election bounds them.
        Refused(Chain.Commit(Close(_election.Trustees[2])), RejectCode.PhaseOver, "already closed");
    }

    [Test]
    public void After_a_decryption_share_a_close_is_phase_over()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(1, _election.Shares(1)));
        Refused(Chain.Commit(Close(_election.Trustees[0])), RejectCode.PhaseOver, "already closed");
    }

    [Test]
    public void A_key_that_is_not_a_trustee_is_not_trustee_even_an_authority()
    {
        _election.Close();
        Refused(Chain.Commit(Close(Chain.Authority)), RejectCode.NotTrustee, "is not a trustee");
        Refused(Chain.Commit(Close(Chain.Key(2))), RejectCode.NotTrustee, "is not a trustee");
    }

    [Test]
    public void An_open_or_unknown_election_is_refused()
    {
        Chain.CommitOk(Chain.CreateElection("open"));
        _election.Close();
        Chain.Time = Math.Max(Chain.Time, TestChain.Start + 86_400_000);
        Refused(Chain.Commit(Close(_election.Trustees[0], "open")), RejectCode.WrongBallotKind, "open, not secret");
        Refused(Chain.Commit(Close(_election.Trustees[0], "nowhere")), RejectCode.UnknownElection, "nowhere");
    }

    [Test]
    public void Once_the_result_is_out_it_is_phase_over()
    {
        _election.Close();
        Chain.CommitOk(_election.Post(1, _election.Shares(1)), _election.Post(2, _election.Shares(2)));
        Chain.CommitOk(_election.Publish([0, 0, 3]));
        Refused(Chain.Commit(Close(_election.Trustees[0])), RejectCode.PhaseOver, "already closed");
    }
}
