using System.Net;
using Microsoft.AspNetCore.Connections;

namespace VoteChain.Networking.Limits;

/// <summary>
/// Kestrel connection middleware that lets each client address (<see cref="ClientAddress"/>) hold at most a fixed
/// number of open connections: one more is closed at once, before TLS or HTTP/2 cost the node anything.
/// </summary>
public sealed class ConnectionsPerAddress
{
    private readonly int _limit;
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly object _gate = new();

    public ConnectionsPerAddress(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _limit = limit;
    }

    /// <summary>Connections refused so far (for logs and tests).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private long _refused;

    /// <summary>Use as <c>listenOptions.Use(limiter.Middleware)</c>.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var key = ClientAddress.Key((connection.RemoteEndPoint as IPEndPoint)?.Address);
        if (!TryOpen(key))
        {
            Interlocked.Increment(ref _refused);
            connection.Abort(new ConnectionAbortedException($"more than {_limit} connections from {key}"));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Close(key);
        }
    };

    private bool TryOpen(IPAddress key)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= _limit)
            {
                return false;
            }

            _open[key] = open + 1;
            return true;
        }
    }

    private void Close(IPAddress key)
    {
        lock (_gate)
        {
            if (_open[key] <= 1)
            {
                _open.Remove(key);
            }
            else
            {
                _open[key]--;
            }
        }
    }
}
