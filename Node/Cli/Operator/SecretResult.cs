using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// This client's own check of a secret election's published result, from what GetSecretElection returned and the
/// core alone: the joint key and verification keys re-derived from the deals (KeyGenerationStatus), every stored
/// decryption share's proof, and the combination of the threshold lowest-index shares against the published weights
/// (ResultCheck, the replicas' check). The node's key_phase and joint_key fields are not trusted here.
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

        var secret = response.Secret ?? new SecretRecord();
        string? problem;
        try
        {
            var key = KeyGenerationStatus.Evaluate(response.Election, secret, response.HeadTimeUnixMs);
            problem = ResultCheck.PublishedProblem(chainId, response.Election, key, secret, tally);
        }
        catch (InvalidOperationException e)
        {
            // KeyGenerationStatus refuses records no rule would have stored (a malformed commitment): a node serving
            // them is not to be believed, so the result is unverified rather than the command failing.
            problem = e.Message;
        }

        return problem is null
            ? new SecretResult(true, true,
                $"result published at height {tally.ResultHeight}; verified here: {secret.DecryptionShares.Count} decryption share(s) checked, " +
                $"the {response.Election.Secret.Threshold} lowest-index ones combine to these weights")
            : new SecretResult(true, false, $"result published at height {tally.ResultHeight} but NOT verified: {problem}");
    }
}
