using CsCheck;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// Over random histories of registrations with weights, encrypted votes (approval, 0 to 2 of 3 options), revotes,
/// stale votes and revocations with and without replacement, the encrypted tally decrypted with any T trustees'
/// shares gives exactly the plaintext recount of the counted ballots; the decryption rules accept that result only
/// after T valid shares, and refuse a wrong share and a result off by one.
/// </summary>
public sealed class SecretTallyPropertyTests
{
    private const int Voters = 5;
    private const string Id = SecretElectionHarness.Id;

    private readonly record struct Step(int Kind, int Voter, int Weight, int Marks, int Sequence);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 2 * Voters - 1], Gen.Int[0, 4], Gen.Int[0, 7], Gen.Int[0, 2])
        .Select((k, v, w, m, s) => new Step(k, v, w, m, s));

    [Test]
    public void The_decrypted_encrypted_tally_equals_the_plaintext_recount_after_random_histories()
    {
        var countedBallots = 0UL;
        var nonZeroResults = 0;
        Gen.Select(Gen.Int[0, 4].Array[Voters], StepGen.Array[4, 24], Gen.Int[1, 3]).Sample((weights, steps, absent) =>
        {
            using var election = new SecretElectionHarness(trustees: 3, threshold: 2, options: 3, min: 0, max: 2);
            var chain = election.Chain;
            // The first five voters registered at the start, with random weights (0 on the wire is the default 1);
            // later steps register others (or try again, refused) and revoke, with or without a replacement.
            chain.CommitOk(election.Register([.. weights.Select((w, i) => (chain.Key(i + 1), (ulong)w))]));
            var marksByTx = new Dictionary<string, int[]>(StringComparer.Ordinal);
            var sequences = new ulong[Voters * 3];
            foreach (var step in steps)
            {
                var tx = Transaction(election, step, sequences, out var marks);
                if (chain.Commit(tx) is null && marks is not null)
                {
                    marksByTx[Convert.ToHexString(tx.Id)] = marks;
                }
            }

            var expected = PlaintextRecount(chain, marksByTx, out var counted);
            countedBallots += counted;
            nonZeroResults += expected.Any(w => w > 0) ? 1 : 0;
            election.Close();

            // The two trustees present post in turn; a result before the second share is refused.
            uint[] present = [.. new uint[] { 1, 2, 3 }.Where(j => j != absent)];
            chain.CommitOk(election.Post(present[1], election.Shares(present[1])));
            Assert.That(chain.Commit(election.Publish(expected))!.Code, Is.EqualTo(RejectCode.NotEnoughShares));
            if (election.Sums().Any(s => !s.A.IsIdentity))
            {
                // The present trustee, with the absent one's secret share: its proof cannot hold.
                var forged = election.Shares(present[0], secretShare: election.TrusteeShares[absent - 1]);
                Assert.That(chain.Commit(election.Post(present[0], forged))!.Code, Is.EqualTo(RejectCode.BadProof));
            }

            chain.CommitOk(election.Post(present[0], election.Shares(present[0])));

            Assert.That(election.Decrypt(present, bound: chain.Tally(Id).CountedWeight * 2), Is.EqualTo(expected),
                "the shares of the present trustees decrypt to the plaintext recount");
            var offByOne = (ulong[])expected.Clone();
            offByOne[steps.Length % 3]++;
            Assert.That(chain.Commit(election.Publish(offByOne))!.Code, Is.EqualTo(RejectCode.BadProof));
            chain.CommitOk(election.Publish(expected));
            Assert.That(chain.Tally(Id).OptionWeights, Is.EqualTo(expected));
            Assert.That(chain.Commit(election.Publish(expected, election.Trustees[absent - 1]))!.Code, Is.EqualTo(RejectCode.AlreadyPosted));
            Assert.That(ElectionRecount.All(chain.State, TestChain.ChainId).Single().Agrees, Is.True,
                "the recount of the encrypted sums and the result from the stored shares agree with the tally");
        }, iter: 25);

        // Guards the generator: histories where nothing counts would make the comparison empty.
        Assert.That(countedBallots, Is.GreaterThan(30));
        Assert.That(nonZeroResults, Is.GreaterThan(10));
    }

    private static Transactions.VerifiedTx Transaction(SecretElectionHarness election, Step step, ulong[] sequences, out int[]? marks)
    {
        marks = null;
        var chain = election.Chain;
        var voter = chain.Key(step.Voter + 1);
        switch (step.Kind)
        {
            case 0:
                // Weight 0 on the wire is the default weight 1.
                return election.Register((voter, (ulong)step.Weight));
            case <= 7:
                // A step of 0 repeats the sequence: a stale vote the rules refuse.
                var sequence = sequences[step.Voter] += (ulong)step.Sequence;
                marks = Marks(step.Marks);
                var weight = chain.State.GetCredential(Id, voter.PublicKey)?.Weight ?? 1;
                return election.Vote(voter, weight, marks, sequence);
            case 8:
                return chain.Revoke(Id, voter, chain.Key(step.Voter + 1 + Voters));
            default:
                return chain.Revoke(Id, voter);
        }
    }

    /// <summary>At most two of the three options: the election's bound.</summary>
    private static int[] Marks(int mask) =>
        [.. Enumerable.Range(0, 3).Where(i => (mask & (1 << i)) != 0).Take(2)];

    /// <summary>Σ weight over the counted ballots marking each option, from the choices the test itself encrypted.</summary>
    private static ulong[] PlaintextRecount(TestChain chain, Dictionary<string, int[]> marksByTx, out ulong counted)
    {
        var weights = new ulong[3];
        counted = 0;
        for (var number = 1; number <= Voters * 3; number++)
        {
            var key = chain.Key(number).PublicKey;
            var credential = chain.State.GetCredential(Id, key);
            var ballot = chain.State.GetBallot(Id, key);
            if (credential is null || credential.Revoked || ballot is not { Counted: true })
            {
                continue;
            }

            counted++;
            foreach (var option in marksByTx[Convert.ToHexString(ballot.TxId.Span)])
            {
                weights[option] += credential.Weight;
            }
        }

        Assert.That(counted, Is.EqualTo(chain.Tally(Id).CountedBallots));
        return weights;
    }
}
