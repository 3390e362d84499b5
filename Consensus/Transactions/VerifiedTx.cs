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
}
