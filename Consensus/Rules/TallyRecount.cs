using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>One credential of an election as a recount reads it: its key, its record and its ballot, if any.</summary>
public sealed record RecountVoter(byte[] Key, CredentialRecord Credential, BallotRecord? Ballot);

/// <summary>
/// Counts an election from scratch: from its credentials and their ballots, ignoring the incremental tally and every
/// running sum the rules keep (a proxy's received weight is recomputed from its holders' appointments too).
/// Audits and tests compare the two; they must agree exactly.
/// </summary>
public static class TallyRecount
{
    public static TallyRecord Recount(int optionCount, IEnumerable<RecountVoter> voters)
    {
        var tally = new TallyRecord();
        tally.OptionWeights.AddRange(new ulong[optionCount]);
        foreach (var ballot in Count(tally, voters))
        {
            // Checked, like every sum here: a recount of a history the rules would refuse must fail loudly, not wrap
            // into agreement.
            tally.OptionWeights[(int)ballot.Record.Option] = checked(tally.OptionWeights[(int)ballot.Record.Option] + ballot.Weight);
        }

        return tally;
    }

    /// <summary>
    /// A secret election: the encrypted sums are recounted from the counted ballots' ciphertexts. The weights stay 0
    /// unless <paramref name="kept"/> (the incrementally kept tally) holds a published result and that result checks
    /// out from the chain alone: every stored decryption share against the recounted sums, then the result, by
    /// <see cref="DecryptionCheck.Stored"/>, the code the rules ran. A result that does not makes the recount differ.
    /// </summary>
    /// <param name="resultProblem">Why a published result did not check out; null when it did or there is none.</param>
    public static TallyRecord RecountSecret(string chainId, ElectionRecord election, SecretRecord? secret, TallyRecord kept,
        IEnumerable<RecountVoter> voters, out Rejection? resultProblem)
    {
        resultProblem = null;
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(kept);
        var optionCount = election.Definition.Options.Count;
        var tally = new TallyRecord { Secret = true };
        tally.OptionWeights.AddRange(new ulong[optionCount]);
        var sums = Enumerable.Repeat(Ciphertext.Zero, optionCount).ToArray();
        foreach (var ballot in Count(tally, voters))
        {
            var ciphertexts = EncryptedTally.Parse(ballot.Record.Ciphertexts, "a counted ballot");
            if (ciphertexts.Length != optionCount)
            {
                throw new InvalidOperationException("A counted ballot's ciphertexts do not match the election's options.");
            }

            for (var i = 0; i < optionCount; i++)
            {
                sums[i] = sums[i].Add(ciphertexts[i]);
            }
        }

        tally.OptionCiphertexts.AddRange(sums.Select(s => ByteString.CopyFrom(s.ToArray())));
        // Whether a CloseTally committed is a fact of the chain, not of the ballots: taken as kept, like the result's height.
        tally.TallyClosed = kept.TallyClosed;
        if (kept.ResultPublished)
        {
            resultProblem = DecryptionCheck.Stored(chainId, election, secret, tally, sums, kept.OptionWeights);
        }

        if (kept.ResultPublished && resultProblem is null)
        {
            tally.OptionWeights.Clear();
            tally.OptionWeights.AddRange(kept.OptionWeights);
            tally.ResultPublished = true;
            tally.ResultHeight = kept.ResultHeight;
        }

        return tally;
    }

    /// <summary>
    /// Counts registrations and counted ballots into <paramref name="tally"/>; yields each counted ballot with its
    /// weight: the credential's own and, for a proxy, its holders' whose appointment is in force.
    /// </summary>
    private static IEnumerable<(BallotRecord Record, ulong Weight)> Count(TallyRecord tally, IEnumerable<RecountVoter> voters)
    {
        var all = voters.ToList();
        var received = DelegationRecount.Received(all);
        tally.DelegationsInForce = (ulong)received.Values.Sum(r => (decimal)r.Count);
        foreach (var (key, credential, ballot) in all)
        {
            if (credential.Revoked)
            {
                continue;
            }

            // An anonymous election's registered sums are its roll's: its anonymous credentials are the same weight again.
            if (!credential.Anonymous)
            {
                tally.RegisteredCredentials = checked(tally.RegisteredCredentials + 1);
                tally.RegisteredWeight = checked(tally.RegisteredWeight + credential.Weight);
            }

            if (ballot is { Counted: true })
            {
                var proxied = received.GetValueOrDefault(key).Weight;
                tally.CountedBallots = checked(tally.CountedBallots + 1);
                tally.CountedWeight = checked(tally.CountedWeight + credential.Weight + proxied);
                tally.ProxyWeight = checked(tally.ProxyWeight + proxied);
                yield return (ballot, checked(credential.Weight + proxied));
            }
        }
    }
}
