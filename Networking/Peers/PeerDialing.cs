using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Peers;

/// <summary>
/// How this node dials its peers: who it says it is in the handshake, the certificate it presents as a TLS client
/// (null when it has none), and the key each genesis validator's endpoint must prove.
/// </summary>
public sealed record PeerDialing(LocalPeer Self, X509Certificate2? Certificate, IReadOnlyDictionary<string, byte[]> ValidatorKeysByUrl)
{
    /// <summary>The key the node at <paramref name="url"/> must prove, or null when it is not a genesis validator's endpoint.</summary>
    public byte[]? ExpectedKey(string url) => ValidatorKeysByUrl.TryGetValue(url, out var key) ? key : null;

    /// <summary>
    /// Null when the node at <paramref name="url"/> may announce <paramref name="key"/>, so that this node signs a Hello
    /// naming it. A genesis validator's endpoint must announce that validator's key; any other endpoint must not announce
    /// a genesis validator's key: a validator is dialed at its genesis endpoint, so its key behind another address is a
    /// node relaying our handshake to it (finding 6 of the issue 9 review), or a misconfigured <c>peers</c> entry.
    /// </summary>
    public string? AnnouncedKeyProblem(string url, byte[] key)
    {
        if (ExpectedKeyProblem(ExpectedKey(url), key) is { } problem)
        {
            return problem;
        }

        var elsewhere = ValidatorKeysByUrl.FirstOrDefault(v => CryptographicOperations.FixedTimeEquals(v.Value, key)).Key;
        return elsewhere is null || string.Equals(elsewhere, url, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"the server announced the key of the genesis validator at {elsewhere}, which is dialed at that endpoint only (a relay?)";
    }

    /// <summary>Null when nothing is expected or the announced key is the expected one.</summary>
    public static string? ExpectedKeyProblem(byte[]? expected, byte[] announced)
    {
        ArgumentNullException.ThrowIfNull(announced);
        return expected is null || CryptographicOperations.FixedTimeEquals(expected, announced)
            ? null
            : $"the server announced key {Convert.ToHexStringLower(announced)[..16]}..., not the genesis validator's key for this endpoint";
    }

    /// <summary>Each genesis validator's key by its endpoint; an endpoint listed twice names no one key and is left out.</summary>
    public static IReadOnlyDictionary<string, byte[]> KeysByEndpoint(IEnumerable<ValidatorInfo> validators) =>
        validators.GroupBy(v => v.Endpoint, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().PublicKey.ToByteArray(), StringComparer.OrdinalIgnoreCase);
}
