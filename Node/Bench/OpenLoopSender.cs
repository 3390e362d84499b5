using System.Diagnostics;
using Google.Protobuf;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>
/// The open-loop load of `bench --rate R`: vote i is due at start + i / R, and its latency clock starts then, whether or
/// not it could be sent on time. A slow node therefore shows as latency, never as a politely lower offered rate (no
/// coordinated omission). Due votes leave in one SubmitBatch per tick, round-robin over the nodes; at most
/// <see cref="MaxInFlight"/> batches wait for an answer, so a stalled node cannot make this client buffer without end.
/// </summary>
internal sealed class OpenLoopSender(IReadOnlyList<NodeClient> nodes, byte[][] envelopes, string[] ids, double rate, BenchRun run)
{
    private const int MaxInFlight = 256;
    private const int MaxBatch = 2_000;

    public async Task SendAsync(CancellationToken cancellation)
    {
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var sends = new List<Task>();
        var ticksPerVote = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
        var next = 0;
        var batches = 0;
        while (next < envelopes.Length)
        {
            var elapsed = Stopwatch.GetTimestamp() - start;
            var due = elapsed < 0 ? 0 : (int)Math.Min(envelopes.Length, Math.Floor(elapsed / ticksPerVote) + 1);
            if (due <= next)
            {
                await Task.Delay(1, cancellation).ConfigureAwait(false);
                continue;
            }

            var first = next;
            var count = Math.Min(due - next, MaxBatch);
            next += count;
            for (var i = first; i < first + count; i++)
            {
                run.Submitted([ids[i]], start + (long)(i * ticksPerVote));
            }

            await inFlight.WaitAsync(cancellation).ConfigureAwait(false);
            var node = nodes[batches++ % nodes.Count];
            sends.Add(SendBatchAsync(node, first, count, inFlight, cancellation));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    private async Task SendBatchAsync(NodeClient node, int first, int count, SemaphoreSlim inFlight, CancellationToken cancellation)
    {
        try
        {
            var request = new SubmitBatchRequest { Envelopes = { envelopes.Skip(first).Take(count).Select(e => ByteString.CopyFrom(e)) } };
            var response = await BenchRunner.SubmitWithinRateAsync(node, request, cancellation).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                if (response.Results[i].Code != RejectCode.Unspecified)
                {
                    run.Refused(ids[first + i]);
                }
            }
        }
        finally
        {
            inFlight.Release();
        }
    }
}
