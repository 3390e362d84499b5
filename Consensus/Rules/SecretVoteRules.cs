using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>TODO(issue 10): being built.</summary>
internal static class SecretVoteRules
{
    public static Rejection? Cast(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx) =>
        new(RejectCode.Malformed, "Secret ballots are not supported yet.");

}
