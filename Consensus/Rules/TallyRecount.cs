using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Counts an election from scratch: from its credentials and their ballots, ignoring the incremental tally.
/// Audits and tests compare the two; they must agree exactly.
/// </summary>
public static class TallyRecount
{
    public static TallyRecord Recount(int optionCount, IEnumerable<(CredentialRecord Credential, BallotRecord? Ballot)> voters)
    {
        var tally = new TallyRecord();
        tally.OptionWeights.AddRange(new ulong[optionCount]);
        foreach (var (credential, ballot) in voters)
        {
            if (credential.Revoked)
            {
                continue;
            }

            tally.RegisteredCredentials++;
            tally.RegisteredWeight += credential.Weight;
            if (ballot is { Counted: true })
            {
                tally.OptionWeights[(int)ballot.Option] += credential.Weight;
                tally.CountedBallots++;
                tally.CountedWeight += credential.Weight;
            }
        }

        return tally;
    }
}
