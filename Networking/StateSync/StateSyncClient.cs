using System.Diagnostics;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Snapshots;

namespace VoteChain.Networking.StateSync;

/// <summary>
/// Starts an empty data folder from a peer's snapshot instead of from genesis (docs/STATE-SYNC.md): asks the peers what
/// they keep, takes the newest sane manifest, fetches that height's certified block and verifies its certificate against
/// the validators in force there (the genesis set walked through the proven changes of set, <see cref="SetChangeWalk"/>),
/// requires the manifest to name that block and its state root, then restores the chunks (<see cref="ChunkFetcher"/>,
/// <see cref="SnapshotRestore"/>), which rebuilds the state tree and refuses any root but that one. A candidate that fails
/// any step is left for the newest one not tried yet, the peers asked again; a few are tried at most.
/// </summary>
public sealed class StateSyncClient
{
    /// <summary>Distinct manifests tried before state sync gives up (each after asking the peers again).</summary>
    public const int MaxCandidates = 4;

    private readonly IReadOnlyList<SnapshotPeer> _peers;
    private readonly ValidatorSet _genesisValidators;
    private readonly string _chainId;
    private readonly byte[] _genesisHash;
    private readonly Action<string> _report;

    /// <param name="report">Told what happens, one line at a time (the node prints them).</param>
    public StateSyncClient(IReadOnlyList<SnapshotPeer> peers, ValidatorSet genesisValidators, string chainId, byte[] genesisHash, Action<string> report)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(genesisValidators);
        _peers = peers;
        _genesisValidators = genesisValidators;
        _chainId = chainId;
        _genesisHash = genesisHash;
        _report = report;
    }

    /// <summary>How long to keep asking while no peer answers at all (peers starting at the same time as this node).</summary>
    public TimeSpan AnswerWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Restores the newest snapshot that verifies into <paramref name="dataDir"/> (empty or absent), or says why none was
    /// offered (<see cref="StateSyncOutcome.NoSnapshot"/>): the caller then syncs from genesis.
    /// </summary>
    /// <exception cref="StateSyncException">Snapshots were offered but none could be verified and restored; the folder is left empty.</exception>
    public async Task<StateSyncOutcome> RunAsync(string dataDir, CancellationToken cancellation)
    {
        var offers = await OffersAsync(cancellation).ConfigureAwait(false);
        foreach (var refused in offers.Refused)
        {
            _report($"state sync: refused a manifest from {refused}");
        }

        if (offers.Candidates.Count == 0)
        {
            return StateSyncOutcome.None(offers.Answered == 0
                ? $"none of the {_peers.Count} peers answered within {AnswerWait.TotalSeconds:F0} s"
                : $"none of the {offers.Answered} peers that answered offers a snapshot");
        }

        // The peers are asked again before each further candidate: a snapshot is pruned once newer ones are made, so the
        // one that failed may have gone (its chunks not found), and a newer one may be on offer.
        string? last = null;
        var tried = new HashSet<ByteString>();
        for (var attempt = 0; attempt < MaxCandidates; attempt++)
        {
            if (attempt > 0)
            {
                offers = await OffersAsync(cancellation).ConfigureAwait(false);
            }

            if (offers.Candidates.FirstOrDefault(c => !tried.Contains(c.Manifest.ToByteString())) is not { } offer)
            {
                break;
            }

            tried.Add(offer.Manifest.ToByteString());
            try
            {
                return await RestoreAsync(offer, dataDir, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StateSyncException or StorageException)
            {
                last = e.Message;
                _report($"state sync: the snapshot at height {offer.Manifest.Height} failed: {e.Message}");
            }
        }

        throw new StateSyncException($"no snapshot offered could be verified and restored (last: {last ?? "none was left on offer"})");
    }

    /// <summary>Asks every peer at once, again each second while none has answered, up to <see cref="AnswerWait"/>.</summary>
    private async Task<SnapshotOffers> OffersAsync(CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answers = await Task.WhenAll(_peers.Select(async p => (Peer: p, Manifests: await p.ListAsync(cancellation).ConfigureAwait(false))))
                .ConfigureAwait(false);
            var offers = SnapshotOffers.From(answers);
            if (offers.Answered > 0 || deadline.Elapsed >= AnswerWait)
            {
                return offers;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
        }
    }

    private async Task<StateSyncOutcome> RestoreAsync(SnapshotOffer offer, string dataDir, CancellationToken cancellation)
    {
        var manifest = offer.Manifest;
        var took = Stopwatch.StartNew();
        _report($"state sync: snapshot at height {manifest.Height} ({manifest.Records} records, {manifest.ChunkHashes.Count} chunks) offered by {offer.Peers.Count} peer(s)");
        var blockBytes = await CertifiedBlockAsync(offer, cancellation).ConfigureAwait(false);
        _report($"state sync: block {manifest.Height} verified (its certificate, hash and state root); fetching chunks");

        using var fetcher = new ChunkFetcher(manifest, offer.Peers, _report, cancellation);
        var progress = new ChunkProgress(manifest.ChunkHashes.Count, _report);
        var store = await Task.Run(() => SnapshotRestore.Restore(dataDir, _chainId, _genesisHash, manifest, blockBytes, fetcher.Take, progress),
            cancellation).ConfigureAwait(false);
        store.Dispose();
        return new StateSyncOutcome(manifest, fetcher.Bytes, offer.Peers.Count - fetcher.Dropped.Count, took.Elapsed, null);
    }

    /// <summary>
    /// The manifest's block from a peer that offered it, checked against the manifest and certified by the set in force at
    /// its height. That set is learned from any peer's proofs of the changes of set: a peer that leaves one out, or serves
    /// a forged one, only makes the certificate fail against it, and the next peer's proofs are tried.
    /// </summary>
    private async Task<byte[]> CertifiedBlockAsync(SnapshotOffer offer, CancellationToken cancellation)
    {
        var manifest = offer.Manifest;
        string? problem = null;
        List<ValidatorSet>? sets = null;
        foreach (var peer in offer.Peers)
        {
            if (await peer.BlockAsync(manifest.Height, cancellation).ConfigureAwait(false) is not { } bytes)
            {
                problem = $"{peer.Url} did not serve block {manifest.Height}";
                continue;
            }

            if (SnapshotBlockCheck.Problem(manifest, bytes, _chainId, out var block) is { } wrong)
            {
                problem = $"{peer.Url}: {wrong}";
                continue;
            }

            sets ??= await SetsAtAsync(manifest.Height, cancellation).ConfigureAwait(false);
            foreach (var set in sets)
            {
                problem = SnapshotBlockCheck.CertificateProblem(block!, set, _chainId);
                if (problem is null)
                {
                    return bytes;
                }
            }

            problem = sets.Count == 0 ? $"no peer proved the validator sets up to height {manifest.Height}" : $"{peer.Url}: {problem}";
        }

        throw new StateSyncException(problem ?? $"no peer served block {manifest.Height}");
    }

    /// <summary>The distinct sets in force at <paramref name="height"/> that the peers' proofs of set changes verify to,
    /// asked of every peer at once.</summary>
    private async Task<List<ValidatorSet>> SetsAtAsync(ulong height, CancellationToken cancellation)
    {
        var answers = await Task.WhenAll(_peers.Select(p => p.SetChangesAsync(height, cancellation))).ConfigureAwait(false);
        var sets = new Dictionary<string, ValidatorSet>(StringComparer.Ordinal);
        foreach (var (proofs, peer) in answers.Zip(_peers))
        {
            if (proofs is null)
            {
                continue;
            }

            if (SetChangeWalk.Problem(_genesisValidators, _chainId, proofs, height, "the snapshot's block", out var schedule) is { } problem)
            {
                _report($"state sync: {peer.Url}'s proofs of the validator sets do not verify: {problem}");
                continue;
            }

            var set = schedule.At(height);
            sets.TryAdd(string.Join(',', Enumerable.Range(0, set.Count).Select(i => Convert.ToHexString(set.PublicKey(i)))), set);
        }

        return [.. sets.Values];
    }

    /// <summary>Prints chunks done at each tenth of the way, and the last.</summary>
    private sealed class ChunkProgress(int total, Action<string> report) : IProgress<int>
    {
        private int _lastTenth = -1;

        public void Report(int value)
        {
            var tenth = (int)(10L * value / Math.Max(1, total));
            if (tenth != _lastTenth || value == total)
            {
                _lastTenth = tenth;
                report($"state sync: {value}/{total} chunks");
            }
        }
    }
}

/// <summary>What state sync did: the snapshot restored, or why none was offered.</summary>
public sealed record StateSyncOutcome(SnapshotManifest? Restored, long Bytes, int Peers, TimeSpan Took, string? NoSnapshot)
{
    public static StateSyncOutcome None(string why) => new(null, 0, 0, TimeSpan.Zero, why);
}
