using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Transactions;

/// <summary>
/// The exact bytes a transaction signature covers: <c>"votechain/v1/tx" 0x00 len(chain_id) chain_id payload</c>.
/// The domain prefix keeps a transaction signature from passing as any other signed message; the chain id keeps
/// a transaction from being replayed on another chain.
/// </summary>
public static class TxSigning
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("votechain/v1/tx\0");

    public static byte[] SigningMessage(string chainId, ReadOnlySpan<byte> payload)
    {
        var chain = Encoding.UTF8.GetBytes(chainId);
        if (chain.Length > byte.MaxValue)
        {
            throw new ArgumentException("A chain id is at most 255 bytes.", nameof(chainId));
        }

        var message = new byte[Domain.Length + 1 + chain.Length + payload.Length];
        Domain.CopyTo(message, 0);
        message[Domain.Length] = (byte)chain.Length;
        chain.CopyTo(message, Domain.Length + 1);
        payload.CopyTo(message.AsSpan(Domain.Length + 1 + chain.Length));
        return message;
    }

    /// <summary>Signs a payload (whose chain id must be set) and returns the serialized envelope.</summary>
    public static byte[] Sign(ISigner signer, TxPayload payload)
    {
        var payloadBytes = payload.ToByteArray();
        var envelope = new TxEnvelope
        {
            Payload = ByteString.CopyFrom(payloadBytes),
            Signer = ByteString.CopyFrom(signer.PublicKey),
            Signature = ByteString.CopyFrom(signer.Sign(SigningMessage(payload.ChainId, payloadBytes))),
        };
        return envelope.ToByteArray();
    }
}
