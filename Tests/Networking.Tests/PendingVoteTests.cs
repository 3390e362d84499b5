using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// One pending vote per credential, over real gRPC: in a revoting election a revote replaces the credential's
/// pending vote, so one credential cannot fill the pool, and the latest vote is the one that counts. A credential
/// replaces its pending vote at most once between two commits, so it cannot mint an endless stream of valid
/// transactions that every node verifies (finding 5 of the issue 9 review).
/// </summary>
public sealed class PendingVoteTests : ApiTestBase
{
    private const string Revoting = "revoting";

    [SetUp]
    public void CreateRevotingElection()
    {
        Chain.Commit(Chain.CreateElection(Revoting, allowRevote: true));
        Chain.Commit(Chain.Register(Revoting, Chain.Voter(1), Chain.Voter(2), Chain.Voter(3)));
    }

    [Test]
    public async Task Five_thousand_revotes_of_one_credential_leave_one_pending_vote_and_others_are_still_accepted()
    {
        var revotes = Enumerable.Range(1, 5_000).Select(i => ApiChain.Vote(Revoting, Chain.Voter(1), (uint)(i % 3), (ulong)i)).ToList();

        var flood = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { revotes.Select(ByteString.CopyFrom) } },
            cancellationToken: Deadline);
        var others = await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(2), 0)), ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(3), 1)) },
        }, cancellationToken: Deadline);

        Assert.That(flood.Accepted, Is.EqualTo(2), "the first vote and one replacement before the next commit");
        Assert.That(others.Accepted, Is.EqualTo(2));
        Assert.That(Chain.Mempool.Count, Is.EqualTo(3));
        Assert.That(Chain.Mempool.Contains(Hashing.Sha256(revotes[1])), Is.True);
        Assert.That(Chain.Mempool.Contains(Hashing.Sha256(revotes[0])), Is.False);
    }

    [Test]
    public async Task A_credential_replaces_its_pending_vote_at_most_once_per_commit_and_only_accepted_revotes_are_gossiped()
    {
        var revotes = Enumerable.Range(1, 2_000).Select(i => ApiChain.Vote(Revoting, Chain.Voter(1), (uint)(i % 3), (ulong)i)).ToList();
        var checksBefore = Chain.Mempool.SignatureChecks;

        var flood = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { revotes.Select(ByteString.CopyFrom) } },
            cancellationToken: Deadline);
        var again = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { revotes.Skip(2).Select(ByteString.CopyFrom) } },
            cancellationToken: Deadline);

        Assert.That(flood.Results.Skip(2).Select(r => r.CodeName).Distinct(), Is.EqualTo(new[] { "REVOTE_TOO_SOON" }));
        Assert.That(again.Accepted, Is.Zero, "sending them again before a commit changes nothing");
        Assert.That(Gossiped, Has.Count.EqualTo(2), "refused revotes are not gossiped on");
        Assert.That(Chain.Mempool.SignatureChecks - checksBefore, Is.EqualTo(revotes.Count), "each verified once, the repeats not at all");

        // A commit allows one more replacement: the latest accepted vote is the one that counts.
        Chain.Commit([.. Chain.Mempool.TakeForBlock(100, 1 << 20).Select(t => t.EnvelopeBytes)]);
        var afterCommit = await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(revotes[^2]), ByteString.CopyFrom(revotes[^1]) },
        }, cancellationToken: Deadline);
        var tooSoon = await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 0, 5_000)) },
        }, cancellationToken: Deadline);
        Chain.Commit([.. Chain.Mempool.TakeForBlock(100, 1 << 20).Select(t => t.EnvelopeBytes)]);

        Assert.That(afterCommit.Accepted, Is.EqualTo(2), "a new pending vote over the committed one, then one replacement");
        Assert.That(tooSoon.Results.Single().CodeName, Is.EqualTo("REVOTE_TOO_SOON"));
        var voter = await Client.GetVoterAsync(new GetVoterRequest { ElectionId = Revoting, Credential = ByteString.CopyFrom(Chain.Voter(1).PublicKey) },
            cancellationToken: Deadline);
        Assert.That((voter.Ballot.Sequence, voter.Ballot.Counted), Is.EqualTo((2_000UL, true)));
        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = Revoting }, cancellationToken: Deadline);
        Assert.That(tally.Tally.CountedBallots, Is.EqualTo(1));
        Assert.That(tally.Tally.OptionWeights[2000 % 3], Is.EqualTo(1));
    }

    [Test]
    public async Task A_revote_the_rules_refuse_gets_the_rules_code_even_past_the_replacement_limit()
    {
        await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 0, 5)), ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 1, 6)) },
        }, cancellationToken: Deadline);

        var response = await Client.SubmitBatchAsync(new SubmitBatchRequest
        {
            Envelopes = { ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 2, 4)), ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 7, 9)) },
        }, cancellationToken: Deadline);

        Assert.That(response.Results.Select(r => r.CodeName), Is.EqualTo(new[] { "STALE_SEQUENCE", "INVALID_OPTION" }));
    }

    [Test]
    public async Task The_replaced_vote_leaves_block_building_and_the_latest_vote_counts()
    {
        var first = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 1);
        var second = ApiChain.Vote(Revoting, Chain.Voter(1), 2, sequence: 2);
        await Client.SubmitTransactionAsync(Request(first), cancellationToken: Deadline);
        await Client.SubmitTransactionAsync(Request(second), cancellationToken: Deadline);

        var block = Chain.Mempool.TakeForBlock(100, 1 << 20).Select(t => t.EnvelopeBytes).ToList();
        Assert.That(block, Is.EqualTo(new[] { second }));
        Chain.Commit([.. block]);

        var voter = await Client.GetVoterAsync(new GetVoterRequest { ElectionId = Revoting, Credential = ByteString.CopyFrom(Chain.Voter(1).PublicKey) },
            cancellationToken: Deadline);
        Assert.That((voter.Ballot.Option, voter.Ballot.Sequence, voter.Ballot.Counted), Is.EqualTo((2U, 2UL, true)));
        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = Revoting }, cancellationToken: Deadline);
        Assert.That(tally.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 1 }));
    }

    [Test]
    public async Task A_block_built_before_the_revote_commits_the_old_vote_and_the_revote_follows_it()
    {
        var first = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 1);
        var second = ApiChain.Vote(Revoting, Chain.Voter(1), 1, sequence: 2);
        await Client.SubmitTransactionAsync(Request(first), cancellationToken: Deadline);
        var proposed = Chain.Mempool.TakeForBlock(100, 1 << 20).Select(t => t.EnvelopeBytes).ToList();
        await Client.SubmitTransactionAsync(Request(second), cancellationToken: Deadline);

        Chain.Commit([.. proposed]);
        Assert.That(Chain.Mempool.Contains(Hashing.Sha256(second)), Is.True, "still valid as a revote of the committed vote");
        Chain.Commit([.. Chain.Mempool.TakeForBlock(100, 1 << 20).Select(t => t.EnvelopeBytes)]);

        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = Revoting }, cancellationToken: Deadline);
        Assert.That(tally.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 0 }));
        Assert.That(tally.Tally.CountedBallots, Is.EqualTo(1));
    }

    [Test]
    public async Task A_revote_with_a_lower_sequence_than_the_pending_vote_is_stale_and_replaces_nothing()
    {
        var later = ApiChain.Vote(Revoting, Chain.Voter(1), 0, sequence: 5);
        await Client.SubmitTransactionAsync(Request(later), cancellationToken: Deadline);

        var response = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(ApiChain.Vote(Revoting, Chain.Voter(1), 1, sequence: 4)) } },
            cancellationToken: Deadline);

        Assert.That(response.Results.Single().CodeName, Is.EqualTo("STALE_SEQUENCE"));
        Assert.That(Chain.Mempool.TakeForBlock(100, 1 << 20).Single().EnvelopeBytes, Is.EqualTo(later));
    }

    [Test]
    public async Task Without_revoting_a_second_vote_replaces_nothing()
    {
        var first = ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 0);
        await Client.SubmitTransactionAsync(Request(first), cancellationToken: Deadline);

        var response = await Client.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { ByteString.CopyFrom(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1, sequence: 2)) } },
            cancellationToken: Deadline);

        Assert.That(response.Results.Single().CodeName, Is.EqualTo("ALREADY_VOTED"));
        Assert.That(Chain.Mempool.TakeForBlock(100, 1 << 20).Single().EnvelopeBytes, Is.EqualTo(first));
    }

    private static SubmitTransactionRequest Request(byte[] envelope) => new() { Envelope = ByteString.CopyFrom(envelope) };
}
