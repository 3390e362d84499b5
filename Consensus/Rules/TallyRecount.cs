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

            // Checked: a recount of a history the rules would refuse must fail loudly, not wrap into agreement.
            tally.RegisteredCredentials = checked(tally.RegisteredCredentials + 1);
            tally.RegisteredWeight = checked(tally.RegisteredWeight + credential.Weight);
            if (ballot is { Counted: true })
            {
                tally.OptionWeights[(int)ballot.Option] = checked(tally.OptionWeights[(int)ballot.Option] + credential.Weight);
                tally.CountedBallots = checked(tally.CountedBallots + 1);
                tally.CountedWeight = checked(tally.CountedWeight + credential.Weight);
            }
        }

        return tally;
    }
}
