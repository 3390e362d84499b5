using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using Grpc.Core;

namespace VoteChain.Networking.Limits;

/// <summary>
/// Wraps a gRPC request body and reads each message's 5-byte prefix (compressed flag, big-endian length) as soon as it
/// arrives: a message longer than its method allows is refused before its payload is buffered, a stream that sends
/// nothing for the idle time is closed, and a message that trickles in slower than the minimum rate is cut off.
/// Refusals are <see cref="RpcException"/>s with ResourceExhausted, which grpc-dotnet hands to the client as they are.
/// A compressed message is refused too (Unimplemented, as gRPC answers an encoding it does not support): its length
/// says nothing of what it inflates to, and grpc-dotnet would inflate it into a buffer without bound.
/// </summary>
/// <remarks>
/// Positions are absolute byte offsets in the request body: the consumer's AdvanceTo tells how far the buffer start has
/// moved, so each header is read exactly once, however the consumer slices its reads.
/// </remarks>
internal sealed class GuardedRequestBody : PipeReader, IProvenCallerFeature
{
    private const int HeaderBytes = 5;

    private readonly PipeReader _inner;
    private readonly MethodBound _bound;
    private readonly RequestBounds _bounds;
    private readonly StreamTimeouts _timeouts;
    private readonly string _method;

    private ReadOnlySequence<byte> _lastBuffer;
    private long _bufferStart;
    private long _nextHeader;
    private long _messageEnd;
    private long _messageStartedAt;
    private uint _messageLength;
    private int _messages;
    private volatile bool _callerProven;

    public GuardedRequestBody(PipeReader inner, RequestBounds bounds, string method)
    {
        _inner = inner;
        _bounds = bounds;
        _bound = bounds.For("/" + method);
        _timeouts = bounds.Timeouts;
        _method = method;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var limit = TimeLeft(out var slow);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);
        ReadResult result;
        try
        {
            result = await _inner.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _bounds.CountTimeout();
            throw slow ? TooSlow() : Idle();
        }

        return Inspect(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        result = Inspect(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _bufferStart += _lastBuffer.Slice(_lastBuffer.Start, consumed).Length;
        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
    }

    /// <summary>
    /// Called by the service before it reads the next message; a header already inspected keeps the bound it was checked
    /// against (an honest caller sends nothing between its proof and the service's answer to it).
    /// </summary>
    public void CallerProven() => _callerProven = true;

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    /// <summary>Checks every header the buffer now holds in full; a message begun but not yet whole starts its clock.</summary>
    private ReadResult Inspect(ReadResult result)
    {
        var buffer = result.Buffer;
        _lastBuffer = buffer;
        var received = _bufferStart + buffer.Length;
        Span<byte> header = stackalloc byte[HeaderBytes];
        while (_nextHeader + HeaderBytes <= received)
        {
            buffer.Slice(_nextHeader - _bufferStart, HeaderBytes).CopyTo(header);
            if (header[0] != 0)
            {
                throw new RpcException(new Status(StatusCode.Unimplemented,
                    $"A {_method} message is compressed; this node takes no compressed messages (grpc-encoding identity only). It was refused unread."));
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
            var bound = _messages == 0 ? _bound.FirstMessageBytes
                : _callerProven && _bound.ProvenMessageBytes is { } proven ? proven : _bound.MessageBytes;
            if (length > (uint)bound)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"A {_method} message of {length} bytes is over this node's limit of {bound} bytes; it was refused unread."));
            }

            _messages++;
            _messageLength = length;
            _messageStartedAt = Stopwatch.GetTimestamp();
            _nextHeader += HeaderBytes + length;
            _messageEnd = _nextHeader;
        }

        if (received >= _messageEnd)
        {
            _messageLength = 0;
        }

        return result;
    }

    /// <summary>The time the next read may wait: the idle time, or less while a message is arriving too slowly.</summary>
    private TimeSpan TimeLeft(out bool slow)
    {
        slow = false;
        if (_messageLength == 0)
        {
            return _timeouts.Idle;
        }

        var left = _timeouts.MessageTime(_messageLength) - Stopwatch.GetElapsedTime(_messageStartedAt);
        if (left >= _timeouts.Idle)
        {
            return _timeouts.Idle;
        }

        slow = true;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private RpcException Idle() => new(new Status(StatusCode.ResourceExhausted,
        $"The {_method} request sent nothing for {_timeouts.Idle.TotalSeconds:0.#} s; this node closed it."));

    private RpcException TooSlow() => new(new Status(StatusCode.ResourceExhausted,
        $"A {_method} message of {_messageLength} bytes arrived slower than {_timeouts.MinBytesPerSecond} bytes/s; this node closed the request."));
}
