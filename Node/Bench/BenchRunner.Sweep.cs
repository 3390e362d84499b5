using System.Diagnostics;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>
/// `bench --sweep`: open-loop steps at rising offered rates on one election (all voters registered before the first
/// step), until a step is not sustained: fewer than 95 % of the offered votes/s committed, any refusal, or p99 above
/// the bound. The highest sustained step is the answer.
/// </summary>
internal sealed partial class BenchRunner
{
    public async Task<SweepReport> SweepAsync(SweepSettings settings, CancellationToken cancellation)
    {
        var limit = MeasureLimit();
        var rates = settings.Rates();
        var counts = rates.Select(settings.VotesAt).ToArray();
        var (seeds, publicKeys) = NewVoters(counts.Sum());
        var election = $"bench-sweep-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        await CreateElectionAsync(election, secret: false, cancellation).ConfigureAwait(false);
        var registration = Stopwatch.StartNew();
        await RegisterAsync(election, publicKeys, cancellation).ConfigureAwait(false);
        _progress.WriteLine($"registered {publicKeys.Length:N0} voters for up to {rates.Count} steps in {registration.Elapsed.TotalSeconds:F1} s");

        var steps = new List<SweepStep>();
        var first = 0;
        for (var s = 0; s < rates.Count; s++)
        {
            var envelopes = new byte[counts[s]][];
            var offset = first;
            Parallel.For(0, counts[s], i =>
            {
                using var key = Ed25519KeyPair.FromSeed(seeds[offset + i]);
                envelopes[i] = Sign(key, new TxPayload { CastVote = new CastVote { ElectionId = election, Option = (uint)(i % 4), Sequence = 1 } });
            });
            first += counts[s];
            var run = await SubmitAndWatchAsync(envelopes, 0, 0, rates[s], cancellation).ConfigureAwait(false);
            var report = limit.Apply(run.Report(election, _nodes.Count, publicKeys.Length, registration.Elapsed.TotalSeconds, limit.OneCore));
            var step = SweepStep.From(rates[s], report, settings.MaxP99Ms);
            steps.Add(step);
            _progress.WriteLine(step.Line());
            if (!step.Sustained)
            {
                break;
            }
        }

        return new SweepReport(election, settings.StepSeconds, settings.MaxP99Ms, limit.Validators, limit.Cores, limit.OneCore,
            limit.VotesPerSecond, steps.LastOrDefault(x => x.Sustained)?.OfferedVotesPerSecond ?? 0, steps);
    }
}
