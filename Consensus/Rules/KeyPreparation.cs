using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Checks, on every core, the keys transactions register (a registration's credentials, a revocation's replacement)
/// before the rules, which run one transaction at a time, check them again and find the verdicts remembered
/// (<see cref="Ed25519.IsWellFormedPublicKey"/>). The verdicts are the rules' own; this only moves the work.
/// </summary>
public static class KeyPreparation
{
    public static void Prepare(IEnumerable<VerifiedTx> transactions)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        Ed25519.CheckKeysAhead([.. transactions.SelectMany(Keys)]);
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Keys(VerifiedTx tx) => tx.Payload.KindCase switch
    {
        TxPayload.KindOneofCase.RegisterVoters => tx.Payload.RegisterVoters.Voters.Select(v => v.Credential.Memory),
        TxPayload.KindOneofCase.RevokeCredential when !tx.Payload.RevokeCredential.Replacement.IsEmpty =>
            [tx.Payload.RevokeCredential.Replacement.Memory],
        _ => [],
    };
}
