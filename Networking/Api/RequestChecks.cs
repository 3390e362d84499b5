using Google.Protobuf;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Networking.Api;

/// <summary>
/// Structural checks on request fields, before anything touches storage. They bound sizes and shapes only; what
/// an id must look like beyond that is the rules' business (an id the rules would never accept is simply not found).
/// </summary>
internal static class RequestChecks
{
    /// <summary>The rules cap election ids at 64 ASCII characters.</summary>
    private const int MaxElectionIdLength = 64;

    public static string ElectionId(string electionId)
    {
        if (electionId.Length == 0)
        {
            throw ApiErrors.InvalidArgument("election_id is empty.");
        }

        // NUL separates an election id from a credential in storage keys, so it must never reach a lookup.
        if (electionId.Length > MaxElectionIdLength || electionId.Contains('\0', StringComparison.Ordinal))
        {
            throw ApiErrors.InvalidArgument($"election_id is not an election id (at most {MaxElectionIdLength} characters).");
        }

        return electionId;
    }

    /// <summary>A SHA-256 digest (transaction id, block hash).</summary>
    public static byte[] Hash(ByteString value, string field) =>
        value.Length == Hashing.HashSize
            ? value.ToByteArray()
            : throw ApiErrors.InvalidArgument($"{field} must be {Hashing.HashSize} bytes, got {value.Length}.");

    /// <summary>A 32-byte hash given as 64 hex digits (the JSON API's path parameters).</summary>
    public static byte[] HexHash(string value, string field) => Hex32(value, field);

    /// <summary>An Ed25519 public key given as 64 hex digits (the JSON API's path parameters).</summary>
    public static byte[] HexPublicKey(string value, string field) => Hex32(value, field);

    private static byte[] Hex32(string value, string field) =>
        value.Length == 64 && value.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(value)
            : throw ApiErrors.InvalidArgument($"{field} must be 64 hex digits.");

    public static byte[] PublicKey(ByteString value, string field) =>
        value.Length == Ed25519.PublicKeySize
            ? value.ToByteArray()
            : throw ApiErrors.InvalidArgument($"{field} must be a {Ed25519.PublicKeySize}-byte Ed25519 public key, got {value.Length} bytes.");

    /// <summary>Quotes a checked (so bounded) election id in a message without carrying control characters.</summary>
    public static string Printable(string electionId) =>
        string.Concat(electionId.Select(c => char.IsControl(c) ? '?' : c));
}
