using System.Diagnostics;
using Grpc.Health.V1;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// Sync that survives a liar, over real gRPC on 127.0.0.1. Validator slot 3 is a test-only peer
/// (<see cref="DishonestValidator"/> with <see cref="LyingSyncAttack"/>): silent in consensus, it claims a head a
/// million blocks beyond the honest one and serves real headers and certificates over junk bodies. A node that has to
/// sync asks it first (its head is the highest); it must refuse every junk block, set the liar aside, finish from the
/// honest validators, and not report "syncing" because of the liar's claim.
/// </summary>
[NonParallelizable]
[Category("Byzantine")]
public sealed class LyingSyncTests
{
    private const int Liar = 3;
    private const int Observer = 4;

    /// <summary>The honest validator whose blocks the liar passes on, bodies replaced.</summary>
    private const int Source = 0;

    /// <summary>The honest validator that loses its data in the validator variant (not the liar's source).</summary>
    private const int Wiped = 2;

    private const string Election = "e";

    private static readonly int[] Honest = [0, 1, 2];

    /// <summary>For the traffic and the sync; the checks afterwards take a few seconds more.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    [Test]
    public async Task An_observer_syncs_the_honest_chain_past_a_validator_that_claims_a_far_head_and_serves_junk_bodies()
    {
        var deadline = DateTime.UtcNow + Budget;
        var voters = Enumerable.Range(0, 6).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            await using var net = TestNetwork.Create(validators: 4, observers: 1, proposeTimeoutMs: 300);
            LyingSyncAttack? attack = null;
            await using var liar = await DishonestValidator.StartAsync(net, Liar, Honest, _ => attack = new LyingSyncAttack(net.Url(Source)));
            var honest = await HonestNodes.StartAsync(net, Honest, Election, voters, deadline, () => attack!.Summary);
            var votes = await CommitVotesAsync(honest, voters, 0, voters.Count, deadline);
            var head = await honest.LowestHeightAsync();

            // The validators are level and idle: every junk block served from now on went to the observer, which starts
            // with an empty chain and hears the liar's head, the highest, among the validators' heads.
            var mark = attack!.AnswerCount;
            var syncing = Stopwatch.StartNew();
            await net.StartAsync(Observer);
            using var observer = new SyncWatch(net, Observer, Liar);
            await observer.CaughtUpAsync(head, head + attack.ClaimedAhead, deadline, () => attack.Summary);
            TestContext.Out.WriteLine($"observer caught up to height {head} in {syncing.Elapsed.TotalSeconds:F1}s; {attack.Summary}");

            // Once its pause for the liar is over (seconds), the observer asks the liar again, from its head + 1, and gets
            // nothing. The liar's claim stands all the while: status must not say "syncing" at any point, not even then.
            // The observer is told apart from the validators by its connection: the one that got junk.
            var observerCalls = attack.AnswersSince(mark).Where(a => a.Junk > 0).Select(a => a.Caller).ToHashSet();
            var syncingReports = observerCalls.Count == 0 ? [] : await observer.SyncingReportsUntilAsync(
                () => attack.AnswersSince(mark).Any(a => observerCalls.Contains(a.Caller) && a.From > head), deadline,
                "the observer asking the liar again once its pause is over", () => attack.Summary);

            var everyone = new HonestNodes(net, [.. Honest, Observer], () => attack.Summary);
            var chain = await HonestChainChecks.ChainProblemsAsync(everyone, votes);
            var tallies = await TalliesAsync(everyone);
            var health = await observer.HealthAsync();
            Assert.Multiple(() =>
            {
                Assert.That(liar.Fault, Is.Null, "the liar broke");
                Assert.That(observerCalls, Is.Not.Empty,
                    () => $"the liar served the observer no junk block, so the attack was never tried ({attack.Summary})");
                Assert.That(syncingReports, Is.Empty, "the observer said it was syncing, at its head, because of the liar's claim");
                Assert.That(chain, Is.Empty, () => "the observer's blocks are not the honest chain:\n  " + HonestChainChecks.Summary(chain));
                Assert.That(tallies, Is.All.EqualTo(tallies[0]), "the observer's tally (last) differs from the honest validators'");
                Assert.That(tallies[0].CountedBallots, Is.EqualTo((ulong)votes.Count), "votes counted");
                Assert.That(health, Is.EqualTo(nameof(HealthCheckResponse.Types.ServingStatus.Serving)), "the observer's health");
                Assert.That(observer.Fatal, Is.Null, "the observer's driver stopped it");
            });
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    /// <summary>
    /// The validator variant. A validator cannot fall behind here on its own (the liar is silent, so the three honest
    /// validators commit only together), so one loses its storage, as a validator moved to a fresh machine with the same
    /// key would: it must sync the whole chain past the liar, and the next votes prove it votes again, since the other
    /// two are no quorum without it.
    /// </summary>
    [Test]
    public async Task A_validator_that_lost_its_data_syncs_past_the_liar_and_takes_part_in_consensus_again()
    {
        var deadline = DateTime.UtcNow + Budget;
        var voters = Enumerable.Range(0, 8).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300);
            LyingSyncAttack? attack = null;
            // A plausible claim (one block ahead): the batch looks whole, so the junk reaches the engine and is refused there.
            await using var liar = await DishonestValidator.StartAsync(net, Liar, Honest,
                _ => attack = new LyingSyncAttack(net.Url(Source), claimedAhead: 1));
            var honest = await HonestNodes.StartAsync(net, Honest, Election, voters, deadline, () => attack!.Summary);
            var before = await CommitVotesAsync(honest, voters, 0, voters.Count / 2, deadline);
            var head = await honest.LowestHeightAsync();

            await net.StopAsync(Wiped);
            net.WipeData(Wiped);
            var mark = attack!.AnswerCount;
            var syncing = Stopwatch.StartNew();
            await net.StartAsync(Wiped);
            using var wiped = new SyncWatch(net, Wiped, Liar);
            await wiped.CaughtUpAsync(head, head + attack.ClaimedAhead, deadline, () => attack.Summary);
            var junkToWiped = attack.AnswersSince(mark).Sum(a => a.Junk);
            TestContext.Out.WriteLine($"node{Wiped} caught up to height {head} in {syncing.Elapsed.TotalSeconds:F1}s; {attack.Summary}");

            var after = await CommitVotesAsync(honest, voters, voters.Count / 2, voters.Count, deadline);
            var chain = await HonestChainChecks.ChainProblemsAsync(honest, [.. before, .. after]);
            var tallies = await TalliesAsync(honest);
            var health = await wiped.HealthAsync();
            Assert.Multiple(() =>
            {
                Assert.That(liar.Fault, Is.Null, "the liar broke");
                Assert.That(junkToWiped, Is.GreaterThan(0),
                    () => $"the liar served no junk block while node{Wiped} synced, so the attack was never tried ({attack.Summary})");
                Assert.That(chain, Is.Empty, () => "the honest validators' blocks are not one chain:\n  " + HonestChainChecks.Summary(chain));
                Assert.That(tallies, Is.All.EqualTo(tallies[0]), "the honest validators' tallies differ");
                Assert.That(tallies[0].CountedBallots, Is.EqualTo((ulong)voters.Count), "votes counted");
                Assert.That(health, Is.EqualTo(nameof(HealthCheckResponse.Types.ServingStatus.Serving)), $"node{Wiped}'s health");
                Assert.That(wiped.Fatal, Is.Null, $"node{Wiped}'s driver stopped it");
            });
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    /// <summary>Commits the votes of voters [from, to) one at a time, each counted on every node before the next, so the
    /// chain gets a block per vote; returns the envelopes.</summary>
    private static async Task<List<byte[]>> CommitVotesAsync(HonestNodes nodes, IReadOnlyList<Ed25519KeyPair> voters, int from, int to,
        DateTime deadline)
    {
        var votes = new List<byte[]>();
        for (var i = from; i < to; i++)
        {
            var vote = Payloads.Vote(voters[i], Election, (uint)(i % 3));
            await nodes.SubmitAsync(i, vote);
            votes.Add(vote);
            await nodes.TallyHoldsAsync(Election, t => t.CountedBallots == (ulong)(i + 1), deadline, $"vote {i + 1} of {voters.Count} counted");
        }

        return votes;
    }

    private static async Task<TallyRecord[]> TalliesAsync(HonestNodes nodes) =>
        await Task.WhenAll(nodes.Apis.Select(async a => (await a.GetTallyAsync(new GetTallyRequest { ElectionId = Election })).Tally));
}
