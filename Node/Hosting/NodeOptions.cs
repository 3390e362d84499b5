using Microsoft.Extensions.Configuration;

namespace VoteChain.Node.Hosting;

/// <summary>
/// A node's settings, bound from its home's config/node.json, then VOTECHAIN_ environment variables
/// (e.g. VOTECHAIN_LISTEN, VOTECHAIN_MEMPOOL__MAX_TXS), then command-line flags. Documented in config/README.md.
/// </summary>
public sealed class NodeOptions
{
    public string Name { get; set; } = "node";

    public string Listen { get; set; } = "127.0.0.1:7100";

    public List<string> Peers { get; set; } = [];

    [ConfigurationKeyName("data_dir")]
    public string DataDir { get; set; } = "data";

    [ConfigurationKeyName("key_file")]
    public string KeyFile { get; set; } = "config/node_key.json";

    /// <summary>
    /// The key this validator rotates to (docs/GOVERNANCE.md): loaded beside <see cref="KeyFile"/> when present, it signs
    /// from the height a rotation to it takes effect.
    /// </summary>
    [ConfigurationKeyName("next_key_file")]
    public string NextKeyFile { get; set; } = "config/next_node_key.json";

    [ConfigurationKeyName("genesis_file")]
    public string GenesisFile { get; set; } = "config/genesis.json";

    /// <summary>The validator's double-sign record; kept out of <see cref="DataDir"/> so wiping the data keeps it.</summary>
    [ConfigurationKeyName("sign_state_file")]
    public string SignStateFile { get; set; } = "config/sign_state";

    /// <summary>
    /// The local admin socket (a Unix domain socket, mode 0600) through which `votechain backup` asks the running node
    /// for a checkpoint (docs/BACKUP.md). The loader makes it admin.sock in the home unless the config names another
    /// path; options built in code without one serve none.
    /// </summary>
    [ConfigurationKeyName("admin_socket")]
    public string AdminSocket { get; set; } = "";

    /// <summary>Start as a validator although chain data exists and the sign-state file does not (the start flag).</summary>
    [ConfigurationKeyName("allow_missing_sign_state")]
    public bool AllowMissingSignState { get; set; }

    public bool Observer { get; set; }

    public MempoolSettings Mempool { get; set; } = new();

    /// <summary>The certificate and key to serve TLS with; both unset serves plain http (local use).</summary>
    public TlsSettings Tls { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    /// <summary>The node's second, browser-facing endpoint (HTTP/1.1 and HTTP/2): unset serves none.</summary>
    public WebSettings Web { get; set; } = new();

    /// <summary>The node's trustee duties for secret ballots (config/trustee.key).</summary>
    public TrusteeSettings Trustee { get; set; } = new();

    /// <summary>Snapshots kept for peers, and starting from one (docs/STATE-SYNC.md).</summary>
    [ConfigurationKeyName("state_sync")]
    public StateSyncSettings StateSync { get; set; } = new();

    [ConfigurationKeyName("log_level")]
    public string LogLevel { get; set; } = "Information";

    /// <summary>
    /// <see cref="NodeLogFormat.Text"/>: one readable line per entry; <see cref="NodeLogFormat.Json"/>: one JSON object per
    /// line, for log shippers (docs/OPERATIONS.md).
    /// </summary>
    [ConfigurationKeyName("log_format")]
    public string LogFormat { get; set; } = NodeLogFormat.Text;

    /// <summary>Milliseconds per consensus tick; timeouts in genesis are converted to ticks of this length.</summary>
    [ConfigurationKeyName("tick_ms")]
    public int TickMs { get; set; } = 50;
}

public sealed class MempoolSettings
{
    [ConfigurationKeyName("max_txs")]
    public int MaxTxs { get; set; } = 100_000;

    [ConfigurationKeyName("max_bytes")]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    [ConfigurationKeyName("max_tx_bytes")]
    public int MaxTxBytes { get; set; } = 256 * 1024;
}

public sealed class TlsSettings
{
    /// <summary>PEM certificate file (config/tls.crt from `init --tls`).</summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key file of the certificate (config/tls.key, mode 0600).</summary>
    public string? Key { get; set; }

    public bool Enabled => Certificate is not null || Key is not null;
}

/// <summary>
/// Where the node answers plain HTTP clients (browsers, curl, scrapers): the gRPC endpoint speaks HTTP/2 only, and on
/// cleartext a port cannot offer both HTTP/1.1 and HTTP/2 (Kestrel cannot tell them apart without TLS), so these get a
/// port of their own, with the same limits and the same TLS certificate.
/// </summary>
public sealed class WebSettings
{
    /// <summary>HOST:PORT, e.g. 127.0.0.1:7180; empty serves no web endpoint.</summary>
    public string Listen { get; set; } = "";

    /// <summary>Serve Prometheus metrics at /metrics on this endpoint (docs/METRICS.md); false serves none and measures nothing.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Serve the pages (results, chain, vote; docs/WEB.md) on this endpoint; false serves only the JSON API and metrics.</summary>
    public bool Ui { get; set; } = true;

    public bool Enabled => Listen.Length > 0;
}

public sealed class TrusteeSettings
{
    /// <summary>Unset: on when the key file exists. True with no key file stops the start with one line.</summary>
    public bool? Enabled { get; set; }

    [ConfigurationKeyName("key_file")]
    public string KeyFile { get; set; } = Keys.TrusteeKeyFile.DefaultRelativePath;

    /// <summary>Whether the node runs its trustee: as configured, else whether the key file is there.</summary>
    public bool IsOn => Enabled ?? File.Exists(KeyFile);
}

/// <summary>
/// State sync (docs/STATE-SYNC.md): the snapshots of the state this node keeps and serves to peers, and whether it starts
/// an empty data folder from a peer's snapshot instead of replaying the chain from genesis.
/// </summary>
public sealed class StateSyncSettings
{
    /// <summary>The most snapshots a node may keep: each is a whole copy of the state.</summary>
    public const int MaxKept = 8;

    /// <summary>On an empty data folder, start from a peer's snapshot (the <c>--state-sync</c> flag).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Take a snapshot after committing each height divisible by this; 0 takes none. Validators and observers alike: any
    /// node's snapshot is as good as a validator's (the syncing node verifies it all), and observers spare validators.
    /// </summary>
    [ConfigurationKeyName("snapshot_interval")]
    public int SnapshotInterval { get; set; } = 1000;

    /// <summary>The newest snapshots kept (1..<see cref="MaxKept"/>); older ones are deleted.</summary>
    [ConfigurationKeyName("snapshots_kept")]
    public int SnapshotsKept { get; set; } = 2;

    /// <summary>The folder of the snapshots, relative to the home.</summary>
    [ConfigurationKeyName("snapshot_dir")]
    public string SnapshotDir { get; set; } = "snapshots";

    /// <summary>Every problem with these settings, one line each.</summary>
    public IEnumerable<string> Problems()
    {
        if (SnapshotInterval < 0)
        {
            yield return $"state_sync.snapshot_interval {SnapshotInterval} is negative (0 takes no snapshots)";
        }

        if (SnapshotsKept is < 1 or > MaxKept)
        {
            yield return $"state_sync.snapshots_kept {SnapshotsKept} is outside 1..{MaxKept}";
        }
    }
}
