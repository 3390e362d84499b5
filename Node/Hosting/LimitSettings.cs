using Microsoft.Extensions.Configuration;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The node's defences against hostile clients and peers (config section <c>limits</c>): connections, streams, message
/// sizes, data rates, submit rates and queue sizes. Every field is documented, with the reason for its default, in
/// config/README.md; docs/LIMITS.md explains how they work together.
/// </summary>
public sealed class LimitSettings
{
    [ConfigurationKeyName("max_connections")]
    public int MaxConnections { get; set; } = 1_000;

    [ConfigurationKeyName("max_connections_per_address")]
    public int MaxConnectionsPerAddress { get; set; } = 32;

    [ConfigurationKeyName("max_streams_per_connection")]
    public int MaxStreamsPerConnection { get; set; } = 16;

    [ConfigurationKeyName("stream_window_bytes")]
    public int StreamWindowBytes { get; set; } = 768 * 1024;

    [ConfigurationKeyName("connection_window_bytes")]
    public int ConnectionWindowBytes { get; set; } = 1024 * 1024;

    [ConfigurationKeyName("keepalive_ping_seconds")]
    public int KeepAlivePingSeconds { get; set; } = 30;

    [ConfigurationKeyName("keepalive_timeout_seconds")]
    public int KeepAliveTimeoutSeconds { get; set; } = 20;

    [ConfigurationKeyName("stream_idle_seconds")]
    public double StreamIdleSeconds { get; set; } = 60;

    [ConfigurationKeyName("min_data_rate_bytes_per_second")]
    public int MinDataRateBytesPerSecond { get; set; } = 4_096;

    [ConfigurationKeyName("data_rate_grace_seconds")]
    public double DataRateGraceSeconds { get; set; } = 10;

    [ConfigurationKeyName("submit_rate_per_second")]
    public int SubmitRatePerSecond { get; set; } = 2_000;

    [ConfigurationKeyName("submit_burst")]
    public int SubmitBurst { get; set; } = 20_000;

    [ConfigurationKeyName("peer_transaction_rate_per_second")]
    public int PeerTransactionRatePerSecond { get; set; } = 2_000;

    [ConfigurationKeyName("validator_transaction_rate_per_second")]
    public int ValidatorTransactionRatePerSecond { get; set; } = 20_000;

    [ConfigurationKeyName("handshake_rate_per_second")]
    public int HandshakeRatePerSecond { get; set; } = 5;

    [ConfigurationKeyName("handshake_burst")]
    public int HandshakeBurst { get; set; } = 20;

    [ConfigurationKeyName("max_batch_request_bytes")]
    public int MaxBatchRequestBytes { get; set; } = 4 * 1024 * 1024;

    [ConfigurationKeyName("max_query_request_bytes")]
    public int MaxQueryRequestBytes { get; set; } = 64 * 1024;

    [ConfigurationKeyName("peer_consensus_queue_bytes")]
    public long PeerConsensusQueueBytes { get; set; } = 32L * 1024 * 1024;

    [ConfigurationKeyName("peer_transaction_queue_bytes")]
    public long PeerTransactionQueueBytes { get; set; } = 16L * 1024 * 1024;

    [ConfigurationKeyName("inbox_peer_bytes")]
    public long InboxPeerBytes { get; set; } = 32L * 1024 * 1024;

    [ConfigurationKeyName("max_large_answers")]
    public int MaxLargeAnswers { get; set; } = 8;

    [ConfigurationKeyName("max_large_answers_per_address")]
    public int MaxLargeAnswersPerAddress { get; set; } = 2;

    [ConfigurationKeyName("large_answer_seconds")]
    public double LargeAnswerSeconds { get; set; } = 60;

    public TimeSpan StreamIdle => TimeSpan.FromSeconds(StreamIdleSeconds);

    public TimeSpan DataRateGrace => TimeSpan.FromSeconds(DataRateGraceSeconds);

    /// <summary>Every problem with these settings, one line each (none when they are usable).</summary>
    public IEnumerable<string> Problems()
    {
        var counts = new (string Name, long Value)[]
        {
            ("max_connections", MaxConnections), ("max_connections_per_address", MaxConnectionsPerAddress),
            ("max_streams_per_connection", MaxStreamsPerConnection), ("min_data_rate_bytes_per_second", MinDataRateBytesPerSecond),
            ("submit_rate_per_second", SubmitRatePerSecond), ("submit_burst", SubmitBurst),
            ("peer_transaction_rate_per_second", PeerTransactionRatePerSecond),
            ("validator_transaction_rate_per_second", ValidatorTransactionRatePerSecond),
            ("handshake_rate_per_second", HandshakeRatePerSecond), ("handshake_burst", HandshakeBurst),
            ("max_batch_request_bytes", MaxBatchRequestBytes), ("max_query_request_bytes", MaxQueryRequestBytes),
            ("peer_consensus_queue_bytes", PeerConsensusQueueBytes), ("peer_transaction_queue_bytes", PeerTransactionQueueBytes),
            ("inbox_peer_bytes", InboxPeerBytes), ("keepalive_ping_seconds", KeepAlivePingSeconds),
            ("keepalive_timeout_seconds", KeepAliveTimeoutSeconds),
            ("max_large_answers", MaxLargeAnswers), ("max_large_answers_per_address", MaxLargeAnswersPerAddress),
        };
        foreach (var (name, value) in counts.Where(c => c.Value <= 0))
        {
            yield return $"limits.{name} must be positive, got {value}";
        }

        // HTTP/2 allows windows from 64 KiB - 1 up to 2^31 - 1 bytes; Kestrel refuses anything else at start.
        foreach (var (name, value) in new[] { ("stream_window_bytes", StreamWindowBytes), ("connection_window_bytes", ConnectionWindowBytes) })
        {
            if (value < 65_535)
            {
                yield return $"limits.{name} {value} is below the HTTP/2 minimum of 65535";
            }
        }

        if (StreamIdleSeconds is < 0.1 or > 86_400)
        {
            yield return $"limits.stream_idle_seconds {StreamIdleSeconds} is outside 0.1..86400";
        }

        // Kestrel, which applies the same rate to plain request bodies, takes only graces above one second.
        if (DataRateGraceSeconds is <= 1 or > 86_400)
        {
            yield return $"limits.data_rate_grace_seconds {DataRateGraceSeconds} is outside (1, 86400]";
        }

        if (LargeAnswerSeconds is < 1 or > 86_400)
        {
            yield return $"limits.large_answer_seconds {LargeAnswerSeconds} is outside 1..86400";
        }

        if (SubmitBurst < SubmitRatePerSecond)
        {
            yield return $"limits.submit_burst {SubmitBurst} is below limits.submit_rate_per_second {SubmitRatePerSecond}";
        }

        if (HandshakeBurst < HandshakeRatePerSecond)
        {
            yield return $"limits.handshake_burst {HandshakeBurst} is below limits.handshake_rate_per_second {HandshakeRatePerSecond}";
        }
    }
}
