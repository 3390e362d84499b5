using CsCheck;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// The incremental tally must always equal a recount from the ballots, whatever happened: registrations,
/// votes, revotes, stale and double votes, revocations with and without replacement, appointments of proxies,
/// replaced and withdrawn appointments, holders voting over their proxies, in any order; and every proxy's kept
/// received weight must equal what its holders' appointments give.
/// </summary>
public sealed class TallyRecountPropertyTests
{
    private const int Voters = 16;
    private const int Proxies = 6;
    private static readonly string[] Elections = ["once", "revote", "proxy", "proxy-revote"];

    private readonly record struct Step(int Kind, int Election, int Voter, int Option, int Weight, int Sequence, int Proxy);

    // Proxies are drawn from the first few voters, so that holders gather on them and chains of appointments occur.
    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 3], Gen.Int[0, Voters - 1], Gen.Int[0, 2],
        Gen.Int[0, 6], Gen.Int[0, 4], Gen.Int[0, Proxies - 1]).Select((k, e, v, o, w, s, p) => new Step(k, e, v, o, w, s, p));

    [Test]
    public void The_incremental_tally_equals_a_recount_after_random_histories()
    {
        var countedBallots = 0UL;
        var proxyWeight = 0UL;
        StepGen.Array[1, 120].Sample(steps =>
        {
            using var chain = new TestChain();
            chain.CommitOk(chain.CreateElection("once"), chain.CreateElection("revote", allowRevote: true),
                chain.CreateElection("proxy", allowDelegation: true), chain.CreateElection("proxy-revote", allowRevote: true, allowDelegation: true));
            // The would-be proxies start registered, so that appointments of them and their votes happen often.
            foreach (var election in Elections)
            {
                chain.CommitOk(chain.Register(election, [.. Enumerable.Range(0, Proxies).Select(i => ((Crypto.ISigner)VoterKey(chain, i), (ulong)i + 1))]));
            }

            var sequences = new ulong[Elections.Length, Voters * 2];
            var delegationSequences = new ulong[Elections.Length, Voters * 2];
            foreach (var step in steps)
            {
                chain.Commit(Transaction(chain, step, sequences, delegationSequences));
            }

            foreach (var election in Elections)
            {
                var voters = ElectionRecount.Voters(chain.State, election);
                var recount = TallyRecount.Recount(3, voters);
                Assert.That(chain.Tally(election), Is.EqualTo(recount), $"election {election}");
                Assert.That(DelegationRecount.Check(voters), Is.Null, $"election {election}");
                Assert.That(recount.OptionWeights.Aggregate(0UL, (a, b) => a + b), Is.EqualTo(recount.CountedWeight));
                countedBallots += recount.CountedBallots;
                proxyWeight += recount.ProxyWeight;
            }
        }, iter: 200);

        // Guards the generator: histories where nothing ever counts, or no proxy ever carries weight, would make the
        // comparison empty.
        Assert.That(countedBallots, Is.GreaterThan(100));
        Assert.That(proxyWeight, Is.GreaterThan(20));
    }

    private static Transactions.VerifiedTx Transaction(TestChain chain, Step step, ulong[,] sequences, ulong[,] delegationSequences)
    {
        var election = Elections[step.Election];
        var voter = VoterKey(chain, step.Voter);
        switch (step.Kind)
        {
            case 5:
            case 6:
            case 7:
                // Appoint (or, for kind 7, withdraw) with a mostly increasing sequence; proxies may be unregistered,
                // revoked or the holder itself, which the rules refuse.
                var delegation = step.Sequence == 0
                    ? delegationSequences[step.Election, step.Voter]
                    : delegationSequences[step.Election, step.Voter] += (ulong)step.Sequence;
                return chain.Delegate(election, voter, step.Kind == 7 ? null : VoterKey(chain, step.Proxy), delegation);
            case 0:
                // Weight 6 stands for 0, the wire's "default weight".
                return chain.Register(election, (voter, step.Weight == 6 ? 0UL : (ulong)step.Weight + 1));
            case 1:
            case 2:
                // Mostly increasing sequences, sometimes a repeat or a step back, so stale votes occur too.
                var sequence = step.Sequence == 0
                    ? sequences[step.Election, step.Voter]
                    : sequences[step.Election, step.Voter] += (ulong)step.Sequence;
                return chain.Vote(election, voter, (uint)step.Option, sequence);
            case 3:
                return chain.Revoke(election, voter, VoterKey(chain, step.Voter + Voters));
            default:
                return chain.Revoke(election, voter);
        }
    }

    private static Crypto.Ed25519KeyPair VoterKey(TestChain chain, int index) => chain.Key(index + 1);
}
