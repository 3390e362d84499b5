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

    /// <summary>Each genesis validator's key by its endpoint; an endpoint listed twice names no one key and is left out.</summary>
    public static IReadOnlyDictionary<string, byte[]> KeysByEndpoint(IEnumerable<ValidatorInfo> validators) =>
        validators.GroupBy(v => v.Endpoint, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().PublicKey.ToByteArray(), StringComparer.OrdinalIgnoreCase);
}
