using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Transactions;

/// <summary>
/// Turns untrusted envelope bytes into a <see cref="VerifiedTx"/>, or says why not. This is the only place a
/// transaction signature is checked; it never throws for bad input. Every refusal depends only on the bytes (and
/// this chain's id and size bound), so the same bytes are always refused the same way: the mempool relies on that
/// to remember refused envelopes by hash.
/// </summary>
public sealed class TxDecoder
{
    /// <summary>Default bound on one serialized envelope; a block limit bounds the sum.</summary>
    public const int DefaultMaxTxBytes = 256 * 1024;

    private readonly string _chainId;
    private readonly int _maxTxBytes;
    private long _signatureChecks;

    public TxDecoder(string chainId, int maxTxBytes = DefaultMaxTxBytes)
    {
        _chainId = chainId;
        _maxTxBytes = maxTxBytes;
    }

    /// <summary>How many Ed25519 verifications this decoder has run (tests prove with it that repeats cost none).</summary>
    public long SignatureChecks => Interlocked.Read(ref _signatureChecks);

    public Outcome<VerifiedTx> Decode(byte[] envelopeBytes)
    {
        if (envelopeBytes.Length > _maxTxBytes)
        {
            return new Rejection(RejectCode.TooLarge,
                $"The transaction is {envelopeBytes.Length} bytes; the limit is {_maxTxBytes}.");
        }

        if (!TryParse(TxEnvelope.Parser, envelopeBytes, out var envelope))
        {
            return new Rejection(RejectCode.Malformed, "The transaction envelope is not valid protobuf.");
        }

        // One logical transaction must have exactly one id: refuse encodings that re-serialize differently
        // (reordered or duplicated fields, unknown fields), since the id is the hash of the bytes.
        if (!envelope.ToByteString().Span.SequenceEqual(envelopeBytes))
        {
            return new Rejection(RejectCode.Malformed, "The transaction envelope is not in canonical encoding.");
        }

        if (!TryParse(TxPayload.Parser, envelope.Payload.Span, out var payload)
            || payload.KindCase == TxPayload.KindOneofCase.None)
        {
            return new Rejection(RejectCode.Malformed, "The transaction payload is not a known transaction kind.");
        }

        if (payload.ChainId != _chainId)
        {
            return new Rejection(RejectCode.WrongChain,
                $"The transaction is for chain '{Printable(payload.ChainId)}', this is chain '{_chainId}'.");
        }

        Interlocked.Increment(ref _signatureChecks);
        if (!Ed25519.Verify(envelope.Signer.Span, TxSigning.SigningMessage(_chainId, envelope.Payload.Span),
                envelope.Signature.Span))
        {
            return new Rejection(RejectCode.BadSignature, "The transaction signature does not verify with its signer key.");
        }

        return new VerifiedTx(Hashing.Sha256(envelopeBytes), envelopeBytes, envelope.Signer.ToByteArray(), payload);
    }

    private static bool TryParse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes, out T message)
        where T : class, IMessage<T>
    {
        try
        {
            message = parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            message = null!;
            return false;
        }
    }

    /// <summary>Untrusted text goes into messages only shortened and without control characters.</summary>
    internal static string Printable(string text)
    {
        var shortened = text.Length > 64 ? text[..64] + "..." : text;
        return string.Concat(shortened.Select(c => char.IsControl(c) ? '?' : c));
    }
}
