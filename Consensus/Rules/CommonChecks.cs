using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>Checks several rules share, each returning the rejection to give or null when it holds.</summary>
internal static class CommonChecks
{
    public static Rejection? Authority(IStateReader state, RuleContext chain, BlockContext block, VerifiedTx tx, string action) =>
        Governance.GovernanceState.IsAuthority(state, chain, tx.Signer, block.Height)
            ? null
            : new Rejection(RejectCode.NotAuthority, $"Only an election authority may {action}.");

    public static Rejection? Election(IStateReader state, string electionId, out ElectionRecord election)
    {
        var found = ElectionIds.IsValid(electionId) ? state.GetElection(electionId) : null;
        election = found!;
        return found is null
            ? new Rejection(RejectCode.UnknownElection, $"There is no election with id '{TxDecoder.Printable(electionId)}'.")
            : null;
    }

    public static Rejection? NotClosed(ElectionRecord election, BlockContext block) =>
        block.TimeUnixMs >= election.Definition.ClosesAtUnixMs
            ? new Rejection(RejectCode.ElectionClosed, $"Election '{election.Definition.ElectionId}' has closed.")
            : null;

    public static Rejection? WellFormedKey(ReadOnlySpan<byte> publicKey, string what) =>
        Crypto.Ed25519.IsWellFormedPublicKey(publicKey)
            ? null
            : new Rejection(RejectCode.BadPublicKey, $"The {what} is not a valid 32-byte Ed25519 public key.");

    public static string Short(ReadOnlySpan<byte> key) => Convert.ToHexStringLower(key[..Math.Min(8, key.Length)]) + "...";

    /// <summary>The tally record to change: a copy, because records handed out by state must stay untouched.</summary>
    public static TallyRecord TallyCopy(IStateReader state, string electionId) =>
        state.GetTally(electionId)?.Clone()
        ?? throw new InvalidOperationException($"State holds election '{electionId}' without its tally.");
}
