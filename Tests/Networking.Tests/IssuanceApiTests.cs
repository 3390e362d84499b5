using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.State;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>GetIssuance over real gRPC: an anonymous election's record for a weight at a height; refused for other elections.</summary>
public sealed class IssuanceApiTests : ApiTestBase
{
    private const string Anonymous = "anon";

    private Task<IssuanceResponse> Get(string id, ulong weight) =>
        Client.GetIssuanceAsync(new GetIssuanceRequest { ElectionId = id, Weight = weight }, cancellationToken: Deadline).ResponseAsync;

    private void CreateAnonymous(IReadOnlyList<StateChange> extra)
    {
        var create = new CreateElection
        {
            ElectionId = Anonymous,
            Title = "Anonymous",
            OpensAtUnixMs = ApiChain.Start + 3_600_000,
            ClosesAtUnixMs = ApiChain.Start + 7_200_000,
            Options = { "yes", "no" },
            Anonymous = new AnonymousSettings { Issuers = { ByteString.CopyFrom(Chain.Key(60).PublicKey) } },
        };
        Chain.Commit(extra, ApiChain.Sign(Chain.Authority, new TxPayload { CreateElection = create }));
    }

    [Test]
    public async Task An_anonymous_elections_weight_is_read_at_a_height_and_weight_zero_means_one()
    {
        // The record a poll book entry would write (the rules are tested in Consensus.Tests).
        var record = new IssuanceRecord { Weight = 1, Served = 4, Registered = 2, IssuerKeys = { ByteString.CopyFrom([1, 2, 3]) } };
        CreateAnonymous([new StateChange(StateColumn.Issuance, StateKeys.Issuance(Anonymous, 1), record.ToByteArray())]);

        var answer = await Get(Anonymous, 0);
        Assert.That(answer.Issuance, Is.EqualTo(record));
        Assert.That(answer.Height, Is.EqualTo(Chain.Store.Height));
        Assert.That((await Get(Anonymous, 7)).Issuance, Is.Null, "no issuer served weight 7");
    }

    [Test]
    public async Task An_election_that_is_not_anonymous_or_does_not_exist_is_refused()
    {
        var open = (await Assert.ThrowsAsync<RpcException>(async () => await Get(ApiChain.Election, 1)))!;
        Assert.That(open.StatusCode, Is.EqualTo(StatusCode.FailedPrecondition));
        Assert.That(open.Status.Detail, Does.Contain("not anonymous"));
        var missing = (await Assert.ThrowsAsync<RpcException>(async () => await Get("nope", 1)))!;
        Assert.That(missing.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }
}
