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

    [ConfigurationKeyName("genesis_file")]
    public string GenesisFile { get; set; } = "config/genesis.json";

    public bool Observer { get; set; }

    public MempoolSettings Mempool { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    [ConfigurationKeyName("log_level")]
    public string LogLevel { get; set; } = "Information";

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
