using CsCheck;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// The incremental tally must always equal a recount from the ballots, whatever happened: registrations,
/// votes, revotes, stale and double votes, revocations with and without replacement, in any order.
/// </summary>
public sealed class TallyRecountPropertyTests
{
    private const int Voters = 16;
    private static readonly string[] Elections = ["once", "revote"];

    private readonly record struct Step(int Kind, int Election, int Voter, int Option, int Weight, int Sequence);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 1], Gen.Int[0, Voters - 1], Gen.Int[0, 2],
        Gen.Int[0, 6], Gen.Int[0, 4]).Select((k, e, v, o, w, s) => new Step(k, e, v, o, w, s));

    [Test]
    public void The_incremental_tally_equals_a_recount_after_random_histories()
    {
        var countedBallots = 0UL;
        StepGen.Array[1, 80].Sample(steps =>
        {
            using var chain = new TestChain();
            chain.CommitOk(chain.CreateElection("once"), chain.CreateElection("revote", allowRevote: true));
            var sequences = new ulong[Elections.Length, Voters * 2];
            foreach (var step in steps)
            {
                chain.Commit(Transaction(chain, step, sequences));
            }

            foreach (var election in Elections)
            {
                var recount = Recount(chain.State, election, optionCount: 3);
                Assert.That(chain.Tally(election), Is.EqualTo(recount), $"election {election}");
                countedBallots += recount.CountedBallots;
            }
        }, iter: 150);

        // Guards the generator: histories where nothing ever counts would make the comparison empty.
        Assert.That(countedBallots, Is.GreaterThan(100));
    }

    private static Transactions.VerifiedTx Transaction(TestChain chain, Step step, ulong[,] sequences)
    {
        var election = Elections[step.Election];
        var voter = VoterKey(chain, step.Voter);
        switch (step.Kind)
        {
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

    private static TallyRecord Recount(MemoryState state, string election, int optionCount)
    {
        var prefix = StateKeys.Credential(election, []);
        var voters = state.Entries(StateColumn.Credentials)
            .Where(e => e.Key.AsSpan().StartsWith(prefix))
            .Select(e => (CredentialRecord.Parser.ParseFrom(e.Value), state.GetBallot(election, e.Key.AsSpan(prefix.Length))));
        return TallyRecount.Recount(optionCount, voters);
    }
}
