namespace VoteChain.Consensus.Crypto;

/// <summary>Something that signs with an Ed25519 key without exposing it (a key file, later an HSM).</summary>
public interface ISigner
{
    /// <summary>The 32-byte Ed25519 public key.</summary>
    byte[] PublicKey { get; }

    /// <summary>Returns the 64-byte Ed25519 signature of <paramref name="message"/>.</summary>
    byte[] Sign(ReadOnlySpan<byte> message);
}
