using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VoteChain.Networking.Limits;

/// <summary>
/// Large answers (GetBlocks up to 8 MiB, ListEvidence up to 16 MiB) are built whole before they are written, anyone may
/// ask for them, and a caller that never opens its HTTP/2 receive window keeps one in memory. So at most
/// <c>total</c> are being sent at once, and <c>perAddress</c> to one client address (an IPv4 address or IPv6 /64);
/// a slot is held until its answer is completely sent or the call has ended, and an answer still unsent after the
/// write time is cut off (the call aborted), so a reader that never reads frees its slot. Beyond the bounds a request
/// is refused at once with ResourceExhausted, before its answer is built.
/// </summary>
public sealed class LargeAnswerSlots
{
    private readonly int _total;
    private readonly int _perAddress;
    private readonly TimeSpan _writeTime;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _byAddress = [];
    private int _inUse;

    public LargeAnswerSlots(int total, int perAddress, TimeSpan writeTime, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perAddress);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(writeTime, TimeSpan.Zero);
        _total = total;
        _perAddress = perAddress;
        _writeTime = writeTime;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Answers being sent now.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Takes a slot for this call until its answer is sent; call before building the answer.</summary>
    /// <exception cref="RpcException">ResourceExhausted when no slot is free for the caller.</exception>
    /// <summary>How long a refused caller is told to wait: answers are cut off within a minute, most leave in seconds.</summary>
    private const string BusyRetryMs = "2000";

    public void Take(ServerCallContext context, string method)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        var address = ClientAddress.Key(http.Connection.RemoteIpAddress);
        lock (_gate)
        {
            var mine = _byAddress.GetValueOrDefault(address);
            if (_inUse >= _total || mine >= _perAddress)
            {
                // The retry trailer marks the refusal as "busy", which a syncing peer must not take for a lie.
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"This node is sending as many large answers as it allows ({_total} at once, {_perAddress} per client address); " +
                    $"{method} was refused, try again in a few seconds."),
                    new Metadata { { SubmitRateLimiter.RetryAfterTrailer, BusyRetryMs } });
            }

            _inUse++;
            _byAddress[address] = mine + 1;
        }

        var slot = new Slot(this, address, http, _clock, _writeTime);
        http.Items[SlotKey] = slot;
        // Freed by the middleware once the answer is sent; this is the backstop for a host without the middleware
        // (then the slot lasts as long as the handler, which bounds concurrency but not the unsent bytes).
        http.Response.RegisterForDispose(slot);
    }

    private static readonly object SlotKey = new();

    /// <summary>
    /// Call before the gRPC services are mapped: a slot taken during a call is held until the call's answer has been
    /// sent. Kestrel takes a unary answer whole when the handler returns, so the slot would otherwise be freed while
    /// the answer still waits, in memory, for a reader that never reads.
    /// </summary>
    public static IApplicationBuilder UseLargeAnswerSlots(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            if (context.Items.TryGetValue(SlotKey, out var taken) && taken is Slot slot)
            {
                try
                {
                    // The flush waits for HTTP/2 flow control: it returns once the reader has taken the answer.
                    await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    // Cut off after the write time, or the caller went away: either way the answer is dropped.
                }
                catch (InvalidOperationException)
                {
                    // The call ended in an error and its response is complete already: nothing waits to be sent.
                }
                finally
                {
                    slot.Dispose();
                }
            }
        });
    }

    /// <summary>One answer being sent: released once, whoever disposes it first; its timer cuts the call off.</summary>
    private sealed class Slot : IDisposable
    {
        private readonly LargeAnswerSlots _slots;
        private readonly IPAddress _address;
        private readonly ITimer _cutOff;
        private int _released;

        public Slot(LargeAnswerSlots slots, IPAddress address, HttpContext http, TimeProvider clock, TimeSpan writeTime)
        {
            _slots = slots;
            _address = address;
            _cutOff = clock.CreateTimer(static state => CutOff((HttpContext)state!), http, writeTime, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _cutOff.Dispose();
                _slots.Release(_address);
            }
        }

        private static void CutOff(HttpContext http)
        {
            try
            {
                http.Abort();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The call ended as the timer fired: there is nothing left to cut off.
            }
        }
    }

    private void Release(IPAddress address)
    {
        lock (_gate)
        {
            _inUse--;
            if (--_byAddress[address] == 0)
            {
                _byAddress.Remove(address);
            }
        }
    }
}
