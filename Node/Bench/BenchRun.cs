using System.Diagnostics;

namespace VoteChain.Node.Bench;

/// <summary>Submit and commit times of every benchmark vote, and the blocks that carried them.</summary>
internal sealed class BenchRun
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _submittedAt = [];
    private readonly Dictionary<string, long> _committedAt = [];
    private readonly HashSet<string> _refused = [];
    private readonly List<int> _votesPerBlock = [];

    public bool AllCommitted
    {
        get
        {
            lock (_gate)
            {
                return _submittedAt.Count > 0 && _committedAt.Count + _refused.Count >= _submittedAt.Count;
            }
        }
    }

    /// <summary>Votes sent and neither committed nor refused yet.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _submittedAt.Count - _committedAt.Count - _refused.Count;
            }
        }
    }

    /// <summary>Starts each vote's clock now, or at <paramref name="scheduledAt"/> (open loop: its scheduled send time).</summary>
    public void Submitted(IEnumerable<string> ids, long? scheduledAt = null)
    {
        var now = scheduledAt ?? Stopwatch.GetTimestamp();
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _submittedAt[id] = now;
            }
        }
    }

    public void Refused(string id)
    {
        lock (_gate)
        {
            _refused.Add(id);
        }
    }

    public void Committed(IEnumerable<string> ids)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            var ours = 0;
            foreach (var id in ids)
            {
                if (_submittedAt.ContainsKey(id) && _committedAt.TryAdd(id, now))
                {
                    ours++;
                }
            }

            if (ours > 0)
            {
                _votesPerBlock.Add(ours);
            }
        }
    }

    public BenchReport Report(string election, int nodes, int voters, double registrationSeconds, double signatureSpeed)
    {
        lock (_gate)
        {
            var latencies = _committedAt.Select(c => Stopwatch.GetElapsedTime(_submittedAt[c.Key], c.Value).TotalMilliseconds).Order().ToList();
            var seconds = _committedAt.Count == 0
                ? 0
                : Stopwatch.GetElapsedTime(_submittedAt.Values.Min(), _committedAt.Values.Max()).TotalSeconds;
            var rate = seconds > 0 ? _committedAt.Count / seconds : 0;
            return new BenchReport
            {
                Election = election,
                Nodes = nodes,
                Voters = voters,
                RegistrationSeconds = registrationSeconds,
                VotesSubmitted = _submittedAt.Count,
                VotesRefused = _refused.Count,
                VotesCommitted = _committedAt.Count,
                Seconds = seconds,
                CommittedVotesPerSecond = rate,
                LatencyP50Ms = Percentile(latencies, 0.50),
                LatencyP95Ms = Percentile(latencies, 0.95),
                LatencyP99Ms = Percentile(latencies, 0.99),
                LatencyP999Ms = Percentile(latencies, 0.999),
                LatencyMaxMs = latencies.Count == 0 ? 0 : latencies[^1],
                Blocks = _votesPerBlock.Count,
                VotesPerBlockMean = _votesPerBlock.Count == 0 ? 0 : _votesPerBlock.Average(),
                VotesPerBlockMax = _votesPerBlock.DefaultIfEmpty(0).Max(),
                Ed25519VerificationsPerSecondOneCore = signatureSpeed,
                FractionOfOneCoreSignatureLimit = signatureSpeed > 0 ? rate / signatureSpeed : 0,
            };
        }
    }

    /// <summary>The nearest-rank percentile of sorted values (0 for none): every latency figure the benches print.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
}
