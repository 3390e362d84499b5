using Prometheus;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Node.Driver;
using VoteChain.Node.Hosting;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Node.Metrics;

/// <summary>
/// The node's Prometheus metrics, the one place where each is named, typed, explained and bucketed (docs/METRICS.md
/// lists them). One registry per node, not prometheus-net's process-wide default, so that several nodes in one process
/// (the integration tests) each export their own. Labels are bounded: a refusal's reason is a <see cref="RejectCode"/>
/// name, nothing else carries a label of ours. The parts of the node report through the methods below (wired by
/// <see cref="MetricsEndpoint"/>); the figures a scrape can read when it happens are set from <see cref="NodeReadings"/>.
/// </summary>
internal sealed class NodeMetrics
{
    /// <summary>The refusal label of a code this build does not know (never expected: the rules name every code).</summary>
    public const string OtherReason = "OTHER";

    private readonly Gauge _height;
    private readonly Gauge _view;
    private readonly Counter _viewChanges;
    private readonly Histogram _commitSeconds;
    private readonly Histogram _blockBytes;
    private readonly Histogram _blockTransactions;
    private readonly Histogram _commitLatencySeconds;
    private readonly Gauge _mempoolTransactions;
    private readonly Gauge _mempoolBytes;
    private readonly Counter _accepted;
    private readonly Counter _refused;
    private readonly Dictionary<RejectCode, Counter.Child> _refusedByCode;
    private readonly Gauge _peersConnected;
    private readonly Gauge _peers;
    private readonly Gauge _syncLag;
    private readonly Gauge _evidence;
    private readonly Histogram _writeSeconds;
    private readonly Gauge _storageMemory;
    private readonly Gauge _nativeHeap;
    private readonly Gauge _managedCommitted;
    private readonly SubmitTimes _submitTimes;

    /// <param name="pendingCapacity">Client transactions whose wait is timed at once (the mempool's bound on pending ones).</param>
    public NodeMetrics(int pendingCapacity)
    {
        _submitTimes = new SubmitTimes(pendingCapacity);
        var metrics = Prometheus.Metrics.WithCustomRegistry(Registry);
        _height = metrics.CreateGauge("votechain_head_height", "Height of the last block this node committed (its head).");
        _view = metrics.CreateGauge("votechain_consensus_view", "PBFT view the node's engine is in at the height it is agreeing on.");
        _viewChanges = metrics.CreateCounter("votechain_consensus_view_changes_total",
            "Times the engine moved to a later view at the same height (a primary timed out or was replaced).");
        _commitSeconds = metrics.CreateHistogram("votechain_block_commit_duration_seconds",
            "Time the consensus thread spent committing a finalized block: execution (reused when judged before), the synced write, the mempool's re-check.",
            Buckets(Histogram.ExponentialBuckets(0.0005, 2, 14)));
        _blockBytes = metrics.CreateHistogram("votechain_block_size_bytes", "Size of each committed block (header and transactions).",
            Buckets(Histogram.ExponentialBuckets(256, 4, 10)));
        _blockTransactions = metrics.CreateHistogram("votechain_block_transactions", "Transactions in each committed block.",
            Buckets([0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000]));
        _commitLatencySeconds = metrics.CreateHistogram("votechain_transaction_commit_latency_seconds",
            "Time from this node accepting a client's transaction to this node committing the block that holds it (transactions from peers are not timed).",
            Buckets(Histogram.ExponentialBuckets(0.005, 2, 14)));
        _mempoolTransactions = metrics.CreateGauge("votechain_mempool_transactions", "Transactions pending in the mempool.");
        _mempoolBytes = metrics.CreateGauge("votechain_mempool_bytes", "Envelope bytes pending in the mempool.");
        _accepted = metrics.CreateCounter("votechain_transactions_accepted_total",
            "Transactions the mempool accepted (from clients, peers and the node's trustee).");
        _refused = metrics.CreateCounter("votechain_transactions_refused_total",
            "Transactions the mempool refused, by the rule's code (reason, e.g. ALREADY_VOTED).", "reason");
        _refusedByCode = Enum.GetValues<RejectCode>().Where(code => code != RejectCode.Unspecified)
            .ToDictionary(code => code, code => _refused.WithLabels(Rejection.NameOf(code)));
        _peersConnected = metrics.CreateGauge("votechain_peers_connected", "Peers this node's outbound gossip streams are connected to.");
        _peers = metrics.CreateGauge("votechain_peers", "Peers this node dials (the other genesis validators and its configured peers).");
        _syncLag = metrics.CreateGauge("votechain_sync_lag_blocks",
            "Blocks between this node's head and the highest head a peer in good standing reported at the last poll (0 when level or ahead).");
        _evidence = metrics.CreateGauge("votechain_evidence_records", "Equivocation evidence records stored.");
        _writeSeconds = metrics.CreateHistogram("votechain_storage_block_write_duration_seconds",
            "Time of each committed block's RocksDB write batch (block, indexes, state changes, head), synced.",
            Buckets(Histogram.ExponentialBuckets(0.0001, 2, 15)));
        _storageMemory = metrics.CreateGauge("votechain_storage_memory_bytes",
            "Memory RocksDB holds by its own account, by part: memtables and block_cache are bounded by their settings, table_readers (indexes and filters) grow with the keys on disk.",
            "part");
        _nativeHeap = metrics.CreateGauge("votechain_native_heap_bytes",
            "glibc malloc's native heap (RocksDB and other native code; not the managed heap): in_use handed out, free held inside its arenas.",
            "state");
        _managedCommitted = metrics.CreateGauge("votechain_managed_heap_committed_bytes",
            "Memory the .NET garbage collector has committed for the managed heap (live objects, free space and fragmentation).");
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>The mempool judged a submission (clients', peers' or the trustee's).</summary>
    public void Judged(IReadOnlyList<SubmitOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Rejection is not { } rejection)
            {
                _accepted.Inc();
            }
            else if (_refusedByCode.TryGetValue(rejection.Code, out var refused))
            {
                refused.Inc();
            }
            else
            {
                _refused.WithLabels(OtherReason).Inc();
            }
        }
    }

    /// <summary>A client's transaction was accepted here: its wait for a block starts.</summary>
    public void ClientAccepted(byte[] txId) => _submitTimes.Start(txId);

    public void Committed(BlockCommitted committed)
    {
        _commitSeconds.Observe(committed.CommitTime.TotalSeconds);
        _writeSeconds.Observe(committed.WriteTime.TotalSeconds);
        _blockBytes.Observe(committed.Block.BlockBytes.Length);
        _blockTransactions.Observe(committed.Block.TxIds.Count);
        foreach (var txId in committed.Block.TxIds)
        {
            if (_submitTimes.Take(txId) is { } waited)
            {
                _commitLatencySeconds.Observe(waited.TotalSeconds);
            }
        }
    }

    public void ViewChanged() => _viewChanges.Inc();

    /// <summary>Sets the figures read at scrape time.</summary>
    public void Observe(NodeReadings readings)
    {
        _height.Set(readings.Height);
        _view.Set(readings.View);
        _mempoolTransactions.Set(readings.MempoolTransactions);
        _mempoolBytes.Set(readings.MempoolBytes);
        _peersConnected.Set(readings.PeersConnected);
        _peers.Set(readings.Peers);
        _syncLag.Set(readings.BestPeerHeight > readings.Height ? readings.BestPeerHeight - readings.Height : 0);
        _evidence.Set(readings.EvidenceRecords);
        _storageMemory.WithLabels("memtables").Set(readings.Storage.Memtables);
        _storageMemory.WithLabels("table_readers").Set(readings.Storage.TableReaders);
        _storageMemory.WithLabels("block_cache").Set(readings.Storage.BlockCache);
        if (NativeHeap.Read() is var (inUse, free))
        {
            _nativeHeap.WithLabels("in_use").Set(inUse);
            _nativeHeap.WithLabels("free").Set(free);
        }

        _managedCommitted.Set(GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    private static HistogramConfiguration Buckets(double[] buckets) => new() { Buckets = buckets };
}

/// <summary>The node's figures at one moment, read for a scrape.</summary>
internal sealed record NodeReadings(ulong Height, ulong View, int MempoolTransactions, long MempoolBytes, int PeersConnected,
    int Peers, ulong BestPeerHeight, long EvidenceRecords, StorageMemory Storage);
