using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Checks, on every core, the keys transactions register (a registration's credentials, a revocation's replacement)
/// before the rules, which run one transaction at a time, check them again and find the verdicts remembered
/// (<see cref="Ed25519.IsWellFormedPublicKey"/>). The verdicts are the rules' own; this only moves the work.
/// </summary>
/// <remarks>
/// Only transactions the rules would get as far as checking keys for: signed by an authority, within the batch bound,
/// each distinct transaction once. Anyone can sign a registration of thousands of random "keys"; checked ahead, it
/// would cost every node thousands of curve checks before the rules refused it for its signer (review finding).
/// </remarks>
public static class KeyPreparation
{
    /// <param name="parallel">How the checks run in parallel (<see cref="ParallelChecks.Options"/> by default).</param>
    /// <param name="state">
    /// The state the transactions will run on, to know the authorities governance added; without it only genesis's are
    /// known, and an added authority's registrations are checked by the rules alone (the same verdicts, one core).
    /// </param>
    public static void Prepare(RuleContext chain, IEnumerable<VerifiedTx> transactions, ParallelOptions? parallel = null,
        IStateReader? state = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(transactions);
        // The kind first: asking state who is an authority costs a read, and votes (almost every transaction) register no key.
        var keys = transactions.Where(tx => tx.Payload.KindCase is TxPayload.KindOneofCase.RegisterVoters or TxPayload.KindOneofCase.RevokeCredential)
            .Where(tx => state is null
                ? chain.IsGenesisAuthority(tx.Signer)
                : Governance.GovernanceState.IsAuthority(state, chain, tx.Signer, ulong.MaxValue)).DistinctBy(tx => Convert.ToHexString(tx.Id))
            .SelectMany(tx => Keys(chain, tx)).ToList();
        Ed25519.CheckKeysAhead(keys, parallel ?? ParallelChecks.Options);
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Keys(RuleContext chain, VerifiedTx tx) => tx.Payload.KindCase switch
    {
        TxPayload.KindOneofCase.RegisterVoters when tx.Payload.RegisterVoters.Voters.Count <= chain.MaxVotersPerBatch =>
            tx.Payload.RegisterVoters.Voters.Select(v => v.Credential.Memory),
        TxPayload.KindOneofCase.RevokeCredential when !tx.Payload.RevokeCredential.Replacement.IsEmpty =>
            [tx.Payload.RevokeCredential.Replacement.Memory],
        _ => [],
    };
}
