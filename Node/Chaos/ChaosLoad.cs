using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Chaos;

/// <summary>
/// The steady open-loop load under the faults, and the record of what the network acknowledged. Vote k is due at
/// start + k / rate whatever the nodes do; due votes leave in one batch per tick to a validator that is up, and to the
/// next one when that call fails (a second copy is a duplicate, never a second vote). A vote counts as acknowledged
/// once a node serves a committed block holding it: those are the votes the checks must find in the chain.
/// </summary>
internal sealed class ChaosLoad(ChaosNetwork network, Func<long, byte[]> signVote, double rate)
{
    private const int MaxInFlight = 64;
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<string, byte[]> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ulong> _acked = new(StringComparer.Ordinal);
    private long _refused;
    private long _unsent;
    private ulong _watchedHeight;
    private long _blockBytes;
    private int _reader;

    /// <summary>Votes handed to some validator (or tried on every one).</summary>
    public int Sent => _sent.Count;

    /// <summary>Votes a validator refused (e.g. a revote that reached the pool before the vote it replaces).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Batches no validator took, counted in votes: each was tried on every validator up at the time.</summary>
    public long Unsent => Interlocked.Read(ref _unsent);

    /// <summary>Acknowledged votes: transaction id (hex) and the height of the block a node served them in.</summary>
    public IReadOnlyDictionary<string, ulong> Acked => _acked;

    public byte[] Envelope(string txId) => _sent[txId];

    /// <summary>Serialized bytes of the committed blocks read so far: the chain the data folders must hold.</summary>
    public long BlockBytes => Interlocked.Read(ref _blockBytes);

    /// <summary>Offers <c>rate</c> votes per second until <paramref name="stop"/>; returns after the last send is answered.</summary>
    public async Task SendAsync(CancellationToken stop)
    {
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var sends = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        long next = 0;
        var batches = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1;
                if (due <= next)
                {
                    await Task.Delay(20, stop).ConfigureAwait(false);
                    continue;
                }

                var envelopes = new List<byte[]>();
                for (; next < due && envelopes.Count < 1_000; next++)
                {
                    var envelope = signVote(next);
                    _sent[Convert.ToHexStringLower(Hashing.Sha256(envelope))] = envelope;
                    envelopes.Add(envelope);
                }

                await inFlight.WaitAsync(stop).ConfigureAwait(false);
                sends.Add(SendBatchAsync(envelopes, batches++, inFlight));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over; what was sent is still answered below.
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <summary>Follows the committed blocks, from whichever node answers, until <paramref name="stop"/>.</summary>
    public async Task WatchAsync(ulong fromHeight, CancellationToken stop)
    {
        _watchedHeight = fromHeight;
        while (!stop.IsCancellationRequested)
        {
            await CatchUpAsync(stop).ConfigureAwait(false);
            try
            {
                await Task.Delay(WatchInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads every block up to the height a node that is up reports, and marks the votes they hold as acknowledged. On
    /// a node that fails to answer, the next one is asked at the next call.
    /// </summary>
    public async Task<ulong> CatchUpAsync(CancellationToken cancellation)
    {
        var node = _reader % network.Count;
        if (network.IsDown(node) || await network.HeightAsync(node, cancellation).ConfigureAwait(false) is not { } height)
        {
            _reader++;
            return _watchedHeight;
        }

        try
        {
            while (_watchedHeight < height)
            {
                var answer = await network.Api[node].GetBlockAsync(new GetBlockRequest { Height = _watchedHeight + 1 },
                    deadline: ChaosNetwork.Deadline(), cancellationToken: cancellation).ConfigureAwait(false);
                var block = BlockCodec.Parse(answer.Block.Span).Value
                    ?? throw new InvalidOperationException($"{network.Layout.Name(node)} served block {answer.Height} that does not parse");
                foreach (var tx in block.Block.Transactions)
                {
                    var id = Convert.ToHexStringLower(Hashing.Sha256(tx.Span));
                    if (_sent.ContainsKey(id))
                    {
                        _acked.TryAdd(id, answer.Height);
                    }
                }

                Interlocked.Add(ref _blockBytes, answer.Block.Length);
                _watchedHeight++;
            }
        }
        catch (RpcException)
        {
            _reader++;
        }

        return _watchedHeight;
    }

    private async Task SendBatchAsync(List<byte[]> envelopes, int batch, SemaphoreSlim inFlight)
    {
        try
        {
            var request = new SubmitBatchRequest { Envelopes = { envelopes.Select(e => ByteString.CopyFrom(e)) } };
            var validators = network.Layout.Validators;
            for (var attempt = 0; attempt < validators; attempt++)
            {
                var node = (batch + attempt) % validators;
                if (network.IsDown(node))
                {
                    continue;
                }

                try
                {
                    var response = await network.Api[node].SubmitBatchAsync(request, deadline: ChaosNetwork.Deadline()).ConfigureAwait(false);
                    Interlocked.Add(ref _refused, response.Results.Count(r => r.Code != RejectCode.Unspecified));
                    return;
                }
                catch (RpcException)
                {
                    // Killed or frozen in the meantime: the next validator takes the batch.
                }
            }

            Interlocked.Add(ref _unsent, envelopes.Count);
        }
        finally
        {
            inFlight.Release();
        }
    }
}
