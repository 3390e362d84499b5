using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;
using static VoteChain.Integration.Tests.NetworkTests;

namespace VoteChain.Integration.Tests;

/// <summary>Validators stopping and coming back, and an observer joining late.</summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Three_of_four_keep_committing_and_a_restarted_validator_catches_up_and_signs_again()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0);
        await net.StartAllAsync();
        var apis = Enumerable.Range(0, 4).Select(net.Api).ToList();
        var voters = Enumerable.Range(0, 6).Select(_ => Ed25519KeyPair.Generate()).ToList();
        await Submit(apis[0], Payloads.CreateElection(net.Authority, "e"));
        await AllSeeAsync(apis, async api => await TallyAsync(api, "e") is not null, "the election");
        await Submit(apis[0], Payloads.Register(net.Authority, "e", voters.Select(v => v.PublicKey)));
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "e"))?.Tally.RegisteredCredentials == 6, "registrations");

        await net.StopAsync(3);
        var live = apis.Take(3).ToList();
        await Submit(apis[0], Payloads.Vote(voters[0], "e", 0));
        await Submit(apis[1], Payloads.Vote(voters[1], "e", 1));
        await AllSeeAsync(live, async api => (await TallyAsync(api, "e"))?.Tally.CountedBallots == 2, "two votes without node 3");

        await net.StartAsync(3);
        var restarted = net.Api(3);
        var target = (await apis[0].GetStatusAsync(new GetStatusRequest())).Height;
        await Eventually.HoldsAsync(async () => (await restarted.GetStatusAsync(new GetStatusRequest())).Height >= target, Patience,
            () => "node 3 catching up");

        // With node 0 gone, nothing commits unless the restarted node 3 signs again.
        await net.StopAsync(0);
        var withThree = new[] { apis[1], apis[2], restarted };
        await Submit(apis[1], Payloads.Vote(voters[2], "e", 2));
        await AllSeeAsync(withThree, async api => (await TallyAsync(api, "e"))?.Tally.CountedBallots == 3, "a vote committed with node 3's signature");
        voters.ForEach(v => v.Dispose());
    }

    [Test]
    public async Task With_two_of_four_stopped_nothing_commits_and_nothing_is_lost_when_they_return()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300);
        await net.StartAllAsync();
        var apis = Enumerable.Range(0, 4).Select(net.Api).ToList();
        using var voter = Ed25519KeyPair.Generate();
        await Submit(apis[0], Payloads.CreateElection(net.Authority, "e"));
        await Submit(apis[0], Payloads.Register(net.Authority, "e", [voter.PublicKey]));
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "e"))?.Tally.RegisteredCredentials == 1, "the registration");

        await net.StopAsync(2);
        await net.StopAsync(3);
        var before = (await apis[0].GetStatusAsync(new GetStatusRequest())).Height;
        var vote = await Submit(apis[0], Payloads.Vote(voter, "e", 1));
        Assert.That(vote.TxId.Length, Is.EqualTo(32), vote.Message);

        // Time passing is proven by view changes (the timeouts fire), not by sleeping. Without a quorum asking for
        // view 1 neither moves further (a replica alone cannot run ahead through views), so view 1 is all there is.
        await AllSeeAsync(apis.Take(2).ToList(), async api => (await api.GetStatusAsync(new GetStatusRequest())).View >= 1, "view changes");
        Assert.That((await apis[0].GetStatusAsync(new GetStatusRequest())).View, Is.EqualTo(1UL), "views wait for a quorum");
        Assert.That((await apis[0].GetStatusAsync(new GetStatusRequest())).Height, Is.EqualTo(before), "two of four committed a block");
        Assert.That((await TallyAsync(apis[1], "e"))!.Tally.CountedBallots, Is.Zero);

        await net.StartAsync(2);
        await net.StartAsync(3);
        var all = Enumerable.Range(0, 4).Select(net.Api).ToList();
        await AllSeeAsync(all, async api => (await TallyAsync(api, "e"))?.Tally.CountedBallots == 1, "the pending vote committed once the quorum is back");
    }

    [Test]
    public async Task An_observer_started_after_a_thousand_votes_syncs_the_history_and_reports_the_same_tally()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 1);
        for (var i = 0; i < 4; i++)
        {
            await net.StartAsync(i);
        }

        var api = net.Api(0);
        var voters = Enumerable.Range(0, 1_000).Select(_ => Ed25519KeyPair.Generate()).ToList();
        await Submit(api, Payloads.CreateElection(net.Authority, "big"));
        await Submit(api, Payloads.Register(net.Authority, "big", voters.Select(v => v.PublicKey)));
        await Eventually.HoldsAsync(async () => (await TallyAsync(api, "big"))?.Tally.RegisteredCredentials == 1_000, Patience, () => "registrations");

        var batch = new SubmitBatchRequest();
        batch.Envelopes.AddRange(voters.Select((v, i) => Bytes(Payloads.Vote(v, "big", (uint)(i % 3)))));
        var submitted = await net.Api(1).SubmitBatchAsync(batch);
        Assert.That(submitted.Accepted, Is.EqualTo(1_000));
        await Eventually.HoldsAsync(async () => (await TallyAsync(api, "big"))?.Tally.CountedBallots == 1_000, Patience, () => "1,000 votes");

        await net.StartAsync(4);
        var observer = net.Api(4);
        var height = (await api.GetStatusAsync(new GetStatusRequest())).Height;
        await Eventually.HoldsAsync(async () => (await observer.GetStatusAsync(new GetStatusRequest())).Height >= height, Patience, () => "observer sync");
        Assert.That((await TallyAsync(observer, "big"))!.Tally, Is.EqualTo((await TallyAsync(api, "big"))!.Tally));
        Assert.That((await observer.GetStatusAsync(new GetStatusRequest())).Role, Is.EqualTo("observer"));
        voters.ForEach(v => v.Dispose());
    }
}
