using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Mempool;

/// <summary>The credential a pending transaction is limited by, keyed as in state (election id, NUL, public key).</summary>
internal static class CredentialKeys
{
    /// <summary>
    /// For a vote, plaintext or encrypted, the key of its credential in its election (the same as its ballot's key in
    /// state). An encrypted revote replaces the pending one like a plaintext one: the rules subtract the pending
    /// ballot's ciphertexts, so the sums are the same as if only the revote had come, and the limit of one replacement
    /// per commit matters more here, each revote costing every node a ballot proof.
    /// </summary>
    public static byte[]? PendingVote(VerifiedTx tx) => tx.Payload.KindCase switch
    {
        TxPayload.KindOneofCase.CastVote => StateKeys.Credential(tx.Payload.CastVote.ElectionId, tx.Signer),
        TxPayload.KindOneofCase.CastEncryptedVote => StateKeys.Credential(tx.Payload.CastEncryptedVote.ElectionId, tx.Signer),
        _ => null,
    };

    /// <summary>For a delegation, the key of its holder's credential in its election.</summary>
    public static byte[]? DelegatingHolder(VerifiedTx tx) =>
        tx.Payload.KindCase == TxPayload.KindOneofCase.Delegation ? StateKeys.Credential(tx.Payload.Delegation.ElectionId, tx.Signer) : null;
}
