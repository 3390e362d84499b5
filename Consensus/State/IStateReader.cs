using VoteChain.Protos.V1;

namespace VoteChain.Consensus.State;

/// <summary>
/// Read access to the committed replicated state, declared by the core and implemented by Storage (and by
/// in-memory overlays that layer a block's pending changes on top).
/// </summary>
public interface IStateReader
{
    ElectionRecord? GetElection(string electionId);

    CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential);

    BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential);

    TallyRecord? GetTally(string electionId);

    /// <summary>A secret election's key generation and decryption record; null before its first trustee step.</summary>
    SecretRecord? GetSecret(string electionId);

    /// <summary>One weight of an anonymous election: its issuer keys and counts; null before the first issuer served it.</summary>
    IssuanceRecord? GetIssuance(string electionId, ulong weight);

    /// <summary>Where an issuer key is in use (by its DER bytes), or null when no election pinned it.</summary>
    IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer);

    /// <summary>A governance record (docs/GOVERNANCE.md) by its <see cref="Governance.GovernanceKeys"/> key, or null.</summary>
    GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key);

    /// <summary>True when a committed block already holds a transaction with this id.</summary>
    bool HasTransaction(ReadOnlySpan<byte> txId);

    /// <summary>The state root after the last committed block.</summary>
    byte[] StateRoot { get; }
}
