using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Transactions;

/// <summary>
/// A transaction whose envelope parsed, whose signature verified and whose chain id matched. The rules take
/// only these, so a signature is checked once (mempool or block validation) and never again.
/// </summary>
public sealed class VerifiedTx
{
    public VerifiedTx(byte[] id, byte[] envelopeBytes, byte[] signer, TxPayload payload)
    {
        Id = id;
        EnvelopeBytes = envelopeBytes;
        Signer = signer;
        Payload = payload;
    }

    /// <summary>SHA-256 of <see cref="EnvelopeBytes"/>.</summary>
    public byte[] Id { get; }

    /// <summary>The serialized envelope exactly as received.</summary>
    public byte[] EnvelopeBytes { get; }

    /// <summary>The Ed25519 public key that signed the payload.</summary>
    public byte[] Signer { get; }

    public TxPayload Payload { get; }

    // The last statement a zero-knowledge proof in this transaction verified (or failed) against; see ProofHolds.
    private object? _provenStatement;
    private object? _refutedStatement;

    /// <summary>
    /// Whether a proof this transaction carries (an encrypted ballot's) already verified against
    /// <paramref name="statement"/>, a value-equal record of everything the verdict depends on besides the
    /// transaction itself (for a ballot: chain, joint key, weight, option count and choice bounds).
    /// Why skipping the second verification is safe: a verdict is a deterministic function of the transaction's bytes
    /// and the statement; a VerifiedTx is made only by <see cref="TxDecoder"/> from bytes whose SHA-256 is its id, and
    /// nothing changes its payload afterwards, so the mempool and block execution, which share it by id, hold the same
    /// bytes. A verdict is remembered only for an equal statement: a different key, weight or bound verifies afresh.
    /// The memo lives in this process's memory only; no peer or stored byte can set it.
    /// </summary>
    internal bool ProofHolds(object statement) => Equals(Volatile.Read(ref _provenStatement), statement);

    /// <summary>Whether a proof this transaction carries already failed against <paramref name="statement"/> (same reasoning).</summary>
    internal bool ProofFailed(object statement) => Equals(Volatile.Read(ref _refutedStatement), statement);

    /// <summary>Records that a proof verified against <paramref name="statement"/> (the mempool and consensus threads may race: either write is true).</summary>
    internal void RememberProof(object statement) => Volatile.Write(ref _provenStatement, statement);

    /// <summary>Records that a proof failed against <paramref name="statement"/>.</summary>
    internal void RememberProofFailure(object statement) => Volatile.Write(ref _refutedStatement, statement);
}
