namespace VoteChain.Node.Anonymous;

/// <summary>
/// What <see cref="BlindRsa.Blind(byte[], byte[])"/> gives the voter: the value to send to the issuer, and the
/// secret to keep for unblinding its answer.
/// </summary>
public sealed record BlindedMessage(byte[] Value, BlindingState State);

/// <summary>
/// The voter's secret between blinding and finalizing: r⁻¹ mod n (the RFC's <c>inv</c>), modulus-length big-endian.
/// Whoever holds it and sees the blinded request can link the request to the final signature, so it never leaves
/// the voter and is dropped once the signature is finalized.
/// </summary>
public sealed class BlindingState
{
    private readonly byte[] _inverse;

    public BlindingState(ReadOnlySpan<byte> inverse) => _inverse = inverse.ToArray();

    public byte[] Inverse => (byte[])_inverse.Clone();
}
