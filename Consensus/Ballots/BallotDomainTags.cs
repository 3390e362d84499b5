namespace VoteChain.Consensus.Ballots;

/// <summary>
/// Every Fiat-Shamir domain tag of the ballot proofs, in one file so domain separation can be reviewed at a glance.
/// A proof made for one statement kind can never verify as another because the tag is the transcript's first item.
/// </summary>
public static class BallotDomainTags
{
    public const string OptionValue = "votechain/v1/ballot/option-zero-or-weight";
    public const string SumRange = "votechain/v1/ballot/sum-in-range";
    public const string DecryptionShare = "votechain/v1/ballot/decryption-share-dleq";
    public const string KnowledgeOfLog = "votechain/v1/ballot/schnorr-knowledge";
}
