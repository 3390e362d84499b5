using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// This client's own check of a secret election's published result, from what GetSecretElection returned and the
/// core alone: <see cref="DecryptionCheck.Stored"/>, the replicas' and the audit's check (the joint and verification
/// keys re-derived from the deals, every stored decryption share's proof, and the combination of the threshold
/// lowest-index shares against the published weights). The node's key_phase and joint_key fields are not trusted here,
/// but the deals, sums and shares all come from the same node: a node that forges the whole record set consistently
/// passes. So "verified" means verified against this node's records; `votechain audit` checks the certified chain.
/// </summary>
internal sealed record SecretResult(bool Published, bool? Verified, string Sentence)
{
    public static SecretResult Check(string chainId, SecretElectionResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var tally = response.Tally ?? new TallyRecord();
        if (!tally.ResultPublished)
        {
            return new SecretResult(false, null, "Encrypted: turnout only until the trustees publish the result");
        }

        if (response.Election?.Secret is not { } settings)
        {
            return new SecretResult(true, false, $"result published at height {tally.ResultHeight} but NOT verified: the node's answer has no secret ballot settings");
        }

        var secret = response.Secret ?? new SecretRecord();
        string? problem;
        try
        {
            problem = TryReadSums(tally, response.Election.Definition.Options.Count, out var sums)
                ? DecryptionCheck.Stored(chainId, response.Election, secret, tally, sums, tally.OptionWeights)?.Message
                : "the tally's encrypted sums are missing or malformed";
        }
        catch (InvalidOperationException e)
        {
            // The core refuses records no rule would have stored (a malformed commitment or share): a node serving
            // them is not to be believed, so the result is unverified rather than the command failing.
            problem = e.Message;
        }

        return problem is null
            ? new SecretResult(true, true,
                $"result published at height {tally.ResultHeight}; verified against this node's records ({secret.DecryptionShares.Count} " +
                $"decryption share(s) checked, the {settings.Threshold} lowest-index ones combine to these weights); " +
                "`votechain audit` verifies from the certified chain")
            : new SecretResult(true, false, $"result published at height {tally.ResultHeight} but NOT verified: {problem}");
    }

    private static bool TryReadSums(TallyRecord tally, int optionCount, out Ciphertext[] sums)
    {
        sums = new Ciphertext[optionCount];
        if (tally.OptionCiphertexts.Count != optionCount)
        {
            return false;
        }

        for (var i = 0; i < optionCount; i++)
        {
            if (!Ciphertext.TryParse(tally.OptionCiphertexts[i].Span, out sums[i]))
            {
                return false;
            }
        }

        return true;
    }
}
