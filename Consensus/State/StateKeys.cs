using System.Text;

namespace VoteChain.Consensus.State;

/// <summary>
/// How state records are keyed. Election ids never contain a NUL byte (the rules restrict them to
/// [A-Za-z0-9._-]), so NUL safely separates the election id from a credential key.
/// </summary>
public static class StateKeys
{
    public static byte[] Election(string electionId) => Encoding.UTF8.GetBytes(electionId);

    public static byte[] Tally(string electionId) => Encoding.UTF8.GetBytes(electionId);

    public static byte[] Secret(string electionId) => Encoding.UTF8.GetBytes(electionId);

    /// <summary>Key of one weight of an anonymous election: election id, NUL, the weight as 8 bytes big-endian.</summary>
    public static byte[] Issuance(string electionId, ulong weight)
    {
        var id = Encoding.UTF8.GetBytes(electionId);
        var key = new byte[id.Length + 1 + sizeof(ulong)];
        id.CopyTo(key, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(id.Length + 1), weight);
        return key;
    }

    /// <summary>Key of an issuer key's one use: the SHA-256 of its DER encoding.</summary>
    public static byte[] IssuerKey(ReadOnlySpan<byte> keyDer) => Crypto.Hashing.Sha256(keyDer);

    /// <summary>Key of a credential or of its ballot: election id, NUL, public key.</summary>
    public static byte[] Credential(string electionId, ReadOnlySpan<byte> credential)
    {
        var id = Encoding.UTF8.GetBytes(electionId);
        var key = new byte[id.Length + 1 + credential.Length];
        id.CopyTo(key, 0);
        credential.CopyTo(key.AsSpan(id.Length + 1));
        return key;
    }
}
