using VoteChain.Consensus.Crypto;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// Three honest validators and one dishonest one (f = 1 of n = 4) over real gRPC on 127.0.0.1. The dishonest validator
/// is a test-only peer (<see cref="DishonestValidator"/>) holding validator 3's genesis key and port; it never runs a
/// node. Whatever it sends, the honest nodes must keep committing, store identical bodies, and every receipt and the
/// audit must verify.
/// </summary>
[NonParallelizable]
[Category("Byzantine")]
public sealed class DishonestValidatorTests
{
    private const int Dishonest = 3;
    private const string Election = "e";

    /// <summary>Highest view an honest node may reach here: a few rotations of four primaries, far below the ~60 views
    /// the steering attack asks for.</summary>
    private const ulong ViewBound = 12;

    private static readonly int[] Honest = [0, 1, 2];

    /// <summary>For the traffic; the checks afterwards take a few seconds more.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    [Test]
    public async Task A_body_swap_by_the_dishonest_validator_leaves_identical_verifiable_bodies_on_every_honest_node()
    {
        var deadline = DateTime.UtcNow + Budget;
        var voters = Enumerable.Range(0, 24).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300);
            var votes = voters.Select((v, i) => Payloads.Vote(v, Election, (uint)(i % 3))).ToList();
            // Validly signed votes of the same voters for other options, never submitted: what the swapped bodies hold.
            var decoys = voters.Select((v, i) => Payloads.Vote(v, Election, (uint)((i + 1) % 3))).ToList();
            BodySwapAttack? attack = null;
            await using var dishonest = await DishonestValidator.StartAsync(net, Dishonest, Honest, c => attack = new BodySwapAttack(c, decoys));
            var nodes = await HonestNodes.StartAsync(net, Honest, Election, voters, deadline,
                () => $"swapped at heights {string.Join(", ", attack!.SwappedHeights)}");

            // Two votes a round, each round committed everywhere before the next, until the chain has passed the heights
            // 3, 7 and 11: the dishonest validator leads view 0 there, stays silent, and swaps once view 1 proposes.
            var committed = 0;
            for (var round = 0; round < voters.Count / 2 && await nodes.LowestHeightAsync() < 12; round++)
            {
                await nodes.SubmitAsync(round, votes[committed]);
                await nodes.SubmitAsync(round + 1, votes[committed + 1]);
                committed += 2;
                await nodes.TallyHoldsAsync(Election, t => t.CountedBallots == (ulong)committed, deadline, $"{committed} counted votes");
            }

            Assert.That(dishonest.Fault, Is.Null, "the dishonest validator broke");
            Assert.That(attack!.SwappedHeights, Is.Not.Empty,
                "the dishonest validator never sent a swapped body: no honest proposal with transactions came after a view it leads");
            TestContext.Out.WriteLine($"swapped PrePrepares at heights {string.Join(", ", attack.SwappedHeights)}; " +
                $"{attack.SwappedCertificates} view changes with a swapped prepared body");

            var chain = await HonestChainChecks.ChainProblemsAsync(nodes, votes.Take(committed));
            var receipts = await HonestChainChecks.ReceiptProblemsAsync(nodes, net.GenesisPath(0), votes.Take(committed));
            var audits = await HonestChainChecks.AuditProblemsAsync(net, nodes);
            Assert.Multiple(() =>
            {
                Assert.That(chain, Is.Empty, () => "the honest nodes' blocks are not one chain of the votes they counted:\n  " +
                    HonestChainChecks.Summary(chain));
                Assert.That(receipts, Is.Empty, () => "receipts of committed votes do not verify:\n  " + HonestChainChecks.Summary(receipts));
                Assert.That(audits, Is.Empty, () => "the audit fails:\n  " + HonestChainChecks.Summary(audits));
            });
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    [Test]
    public async Task View_steering_by_the_dishonest_validator_neither_stops_commits_nor_runs_views_away()
    {
        var deadline = DateTime.UtcNow + Budget;
        var voters = Enumerable.Range(0, 8).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300);
            ViewSteeringAttack? attack = null;
            await using var dishonest = await DishonestValidator.StartAsync(net, Dishonest, Honest, c => attack = new ViewSteeringAttack(c));
            var nodes = await HonestNodes.StartAsync(net, Honest, Election, voters, deadline,
                () => $"the dishonest validator asked for views up to {attack!.HighestAsked}");

            // One vote at a time: eight heights from 3 on, two of them (3 and 7) led in view 0 by the dishonest validator.
            for (var i = 0; i < voters.Count; i++)
            {
                await nodes.SubmitAsync(i, Payloads.Vote(voters[i], Election, (uint)(i % 3)));
                await nodes.TallyHoldsAsync(Election, t => t.CountedBallots == (ulong)(i + 1), deadline, $"vote {i + 1} of {voters.Count} counted");
            }

            var certificates = await HonestChainChecks.CertificateViewsAsync(nodes);
            Assert.Multiple(() =>
            {
                Assert.That(dishonest.Fault, Is.Null, "the dishonest validator broke");
                Assert.That(attack!.HighestAsked, Is.GreaterThan(ViewBound), "the dishonest validator never asked for a far view");
                Assert.That(nodes.HighestView, Is.LessThanOrEqualTo(ViewBound), "an honest node's view ran away");
                Assert.That(certificates.Where(c => c.View > ViewBound), Is.Empty, "blocks finalized in a view that ran away");
            });
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }
}
