using Google.Protobuf;
using Grpc.Core;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class ElectionTests : ApiTestBase
{
    [Test]
    public async Task An_election_reads_back_by_id()
    {
        var election = await Client.GetElectionAsync(new GetElectionRequest { ElectionId = ApiChain.Election }, cancellationToken: Deadline);

        Assert.That(election.Definition.Title, Is.EqualTo("Election budget"));
        Assert.That(election.CreatedHeight, Is.EqualTo(1));
        Assert.That(election.Creator.ToByteArray(), Is.EqualTo(Chain.Authority.PublicKey));
    }

    [Test]
    public async Task An_unknown_election_is_NotFound_and_a_malformed_id_InvalidArgument()
    {
        var unknown = await Refused(() => Client.GetElectionAsync(new GetElectionRequest { ElectionId = "nope" }, cancellationToken: Deadline));
        var empty = await Refused(() => Client.GetElectionAsync(new GetElectionRequest(), cancellationToken: Deadline));
        var tooLong = await Refused(() => Client.GetTallyAsync(new GetTallyRequest { ElectionId = new string('x', 65) }, cancellationToken: Deadline));

        Assert.That(unknown.StatusCode, Is.EqualTo(StatusCode.NotFound));
        Assert.That(unknown.Status.Detail, Does.Contain("'nope'"));
        Assert.That(empty.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(tooLong.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public async Task Elections_are_listed_by_id()
    {
        Chain.Commit(Chain.CreateElection("alpha"), Chain.CreateElection("zulu"));

        var list = await Client.ListElectionsAsync(new ListElectionsRequest(), cancellationToken: Deadline);

        Assert.That(list.Elections.Select(e => e.Definition.ElectionId), Is.EqualTo(new[] { "alpha", ApiChain.Election, "zulu" }));
    }

    [Test]
    public async Task A_tally_carries_the_option_names_and_the_height()
    {
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 2), ApiChain.Vote(ApiChain.Election, Chain.Voter(2), 2));

        var tally = await Client.GetTallyAsync(new GetTallyRequest { ElectionId = ApiChain.Election }, cancellationToken: Deadline);

        Assert.That(tally.ElectionId, Is.EqualTo(ApiChain.Election));
        Assert.That(tally.Height, Is.EqualTo(3));
        Assert.That(tally.Options, Is.EqualTo(new[] { "option 0", "option 1", "option 2" }));
        Assert.That(tally.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 2 }));
        Assert.That(tally.Tally.RegisteredCredentials, Is.EqualTo(3));
    }

    [Test]
    public async Task The_tally_stream_sends_the_current_tally_then_only_changes()
    {
        using var call = Client.StreamTally(new GetTallyRequest { ElectionId = ApiChain.Election }, cancellationToken: Deadline);
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);
        var first = call.ResponseStream.Current;

        // A block that leaves this tally alone sends nothing: the next message is the vote's, at the vote's height.
        Chain.Commit(Chain.CreateElection("other"));
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(3), 1));
        Assert.That(await call.ResponseStream.MoveNext(Deadline), Is.True);
        var second = call.ResponseStream.Current;

        Assert.That((first.Height, first.Tally.OptionWeights.Sum(w => (long)w)), Is.EqualTo((2UL, 0L)));
        Assert.That(second.Height, Is.EqualTo(4));
        Assert.That(second.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 1, 0 }));
        Assert.That(second.Options, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task The_tally_stream_of_an_unknown_election_is_NotFound()
    {
        using var call = Client.StreamTally(new GetTallyRequest { ElectionId = "nope" }, cancellationToken: Deadline);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(Deadline));

        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task A_voter_shows_registration_then_ballot_and_an_unregistered_key_shows_neither()
    {
        var voter = ByteString.CopyFrom(Chain.Voter(1).PublicKey);
        var request = new GetVoterRequest { ElectionId = ApiChain.Election, Credential = voter };

        var registered = await Client.GetVoterAsync(request, cancellationToken: Deadline);
        Chain.Commit(ApiChain.Vote(ApiChain.Election, Chain.Voter(1), 1));
        var voted = await Client.GetVoterAsync(request, cancellationToken: Deadline);
        var stranger = await Client.GetVoterAsync(
            new GetVoterRequest { ElectionId = ApiChain.Election, Credential = ByteString.CopyFrom(Chain.Voter(9).PublicKey) },
            cancellationToken: Deadline);

        Assert.That((registered.Credential?.Weight, registered.Ballot), Is.EqualTo(((ulong?)1, (BallotRecord?)null)));
        Assert.That((voted.Ballot?.Option, voted.Ballot?.Height, voted.Ballot?.Counted), Is.EqualTo(((uint?)1, (ulong?)3, (bool?)true)));
        Assert.That((stranger.Credential, stranger.Ballot), Is.EqualTo(((CredentialRecord?)null, (BallotRecord?)null)));
    }

    [Test]
    public async Task A_voter_query_with_a_short_key_is_InvalidArgument()
    {
        var error = await Refused(() => Client.GetVoterAsync(
            new GetVoterRequest { ElectionId = ApiChain.Election, Credential = ByteString.CopyFrom(new byte[31]) },
            cancellationToken: Deadline));

        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    private static async Task<RpcException> Refused<T>(Func<AsyncUnaryCall<T>> call) =>
        (await Assert.ThrowsAsync<RpcException>(async () => await call()))!;
}
