using VoteChain.Networking.Peers;
using VoteChain.Networking.StateSync;
using VoteChain.Node.Driver;
using VoteChain.Node.Hosting;
using VoteChain.Storage;

namespace VoteChain.Node.StateSync;

/// <summary>
/// `votechain start --state-sync` (or <c>state_sync.enabled</c>), before the node opens its data: on an empty data
/// folder, restores the newest snapshot a peer offers and that verifies (docs/STATE-SYNC.md), printing what it does, so
/// the node starts at the snapshot's height and block-syncs from there. A folder that holds a chain already is started
/// as it is; when no peer offers a snapshot the node starts empty and replays the chain from genesis, as without the flag.
/// </summary>
internal static class StateSyncStartup
{
    /// <exception cref="UserInputException">Snapshots were offered but none verified and restored (exit 1: someone lies, or
    /// the data folder cannot be written).</exception>
    public static void Run(NodeOptions options, TextWriter stdout, CancellationToken cancellation)
    {
        var genesis = NodeFiles.LoadGenesis(options);
        var chain = new ChainContext(genesis);
        DataFolderSummary? held;
        try
        {
            held = ChainStore.Inspect(options.DataDir, chain.ChainId, chain.GenesisHash);
        }
        catch (StorageException e)
        {
            throw new UserInputException(e.Message, e);
        }

        if (held is not null)
        {
            stdout.WriteLine($"state sync skipped: data folder {options.DataDir} already holds the chain at height {held.Height}; starting from it");
            return;
        }

        SignStateStartup.BeginBeforeStateSync(options, chain);
        using var certificate = TlsEndpoint.LoadCertificate(options);
        var peers = PeerUrls(options, chain).Select(url => new SnapshotPeer(url, PeerLimits.MaxBlocksResponseBytes(genesis.Params), certificate)).ToList();
        try
        {
            if (peers.Count == 0)
            {
                stdout.WriteLine("state sync: no peers to ask (no other validator in the genesis, no `peers`); syncing from genesis instead");
                return;
            }

            var client = new StateSyncClient(peers, chain.Validators, chain.ChainId, chain.GenesisHash, stdout.WriteLine);
            stdout.WriteLine($"state sync: asking {peers.Count} peer(s) for snapshots");
            StateSyncOutcome outcome;
            try
            {
                outcome = client.RunAsync(options.DataDir, cancellation).GetAwaiter().GetResult();
            }
            catch (StateSyncException e)
            {
                throw new UserInputException($"state sync failed: {e.Message}; the data folder is left empty", e);
            }

            if (outcome.Restored is not { } restored)
            {
                stdout.WriteLine($"state sync: {outcome.NoSnapshot}; syncing from genesis instead");
                return;
            }

            stdout.WriteLine($"state sync: restored height {restored.Height} ({restored.Records} records, {restored.ChunkHashes.Count} chunks, "
                + $"{outcome.Bytes} bytes from {outcome.Peers} peer(s)) in {outcome.Took.TotalSeconds:F1} s; starting the node");
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }
    }

    /// <summary>Whom the node itself dials: the genesis validators but itself, and its configured peers.</summary>
    private static List<string> PeerUrls(NodeOptions options, ChainContext chain)
    {
        using var key = NodeFiles.LoadNodeKey(options);
        var own = chain.Genesis.Validators.FirstOrDefault(v => v.PublicKey.Span.SequenceEqual(key.PublicKey))?.Endpoint;
        return [.. chain.Genesis.Validators.Select(v => v.Endpoint).Concat(options.Peers)
            .Where(url => !string.Equals(url, own, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
