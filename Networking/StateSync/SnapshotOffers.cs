using Google.Protobuf;
using VoteChain.Protos.V1;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.StateSync;

/// <summary>One manifest and the peers that offered exactly it (byte for byte).</summary>
public sealed record SnapshotOffer(SnapshotManifest Manifest, IReadOnlyList<SnapshotPeer> Peers);

/// <summary>
/// What the peers offer, as candidates to try in turn: each distinct sane manifest with the peers offering it, newest
/// first, then the most offered first. A liar's manifest for a height (its own chunk hashes) is a candidate of its own,
/// so it never spoils the honest peers' download of that height: its chunks are asked of it alone, and its restore fails.
/// </summary>
public sealed class SnapshotOffers
{
    private SnapshotOffers(int answered, IReadOnlyList<SnapshotOffer> candidates, IReadOnlyList<string> refused)
    {
        Answered = answered;
        Candidates = candidates;
        Refused = refused;
    }

    /// <summary>Peers that answered the question at all.</summary>
    public int Answered { get; }

    public IReadOnlyList<SnapshotOffer> Candidates { get; }

    /// <summary>Manifests refused for their shape, one line each (peer and problem).</summary>
    public IReadOnlyList<string> Refused { get; }

    /// <summary>Groups the answers; <c>null</c> stands for a peer that did not answer.</summary>
    public static SnapshotOffers From(IReadOnlyList<(SnapshotPeer Peer, IReadOnlyList<SnapshotManifest>? Manifests)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var byBytes = new Dictionary<ByteString, (SnapshotManifest Manifest, List<SnapshotPeer> Peers)>();
        var refused = new List<string>();
        foreach (var (peer, manifests) in answers)
        {
            foreach (var manifest in manifests ?? [])
            {
                if (SnapshotChunks.ManifestProblem(manifest) is { } problem)
                {
                    refused.Add($"{peer.Url}: {problem}");
                    continue;
                }

                var key = manifest.ToByteString();
                if (!byBytes.TryGetValue(key, out var offer))
                {
                    byBytes[key] = offer = (manifest, []);
                }

                if (!offer.Peers.Contains(peer))
                {
                    offer.Peers.Add(peer);
                }
            }
        }

        var candidates = byBytes.Values.OrderByDescending(o => o.Manifest.Height).ThenByDescending(o => o.Peers.Count)
            .Select(o => new SnapshotOffer(o.Manifest, o.Peers)).ToList();
        return new SnapshotOffers(answers.Count(a => a.Manifests is not null), candidates, refused);
    }
}
