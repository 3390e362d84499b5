using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>
/// Messages in flight between simulated nodes, delivered in virtual time. Everything random comes from the run's
/// seeded source, so a seed replays a run exactly.
/// </summary>
internal sealed class VirtualNetwork
{
    private readonly Random _random;
    private readonly PriorityQueue<InFlight, (long Tick, long Order)> _queue = new();
    private int[]? _partition;
    private long _order;

    public VirtualNetwork(Random random) => _random = random;

    public double DropRate { get; set; }

    public double DuplicateRate { get; set; }

    public int MaxDelay { get; set; } = 1;

    /// <summary>Randomizes the order of messages due in the same tick.</summary>
    public bool Reorder { get; set; }

    /// <summary>A scripted rule: messages for which it returns false are lost.</summary>
    public Func<int, int, ConsensusMessage, bool>? Filter { get; set; }

    public long Sent { get; private set; }

    public long Dropped { get; private set; }

    /// <summary>Splits the nodes into groups (a node's group by index); messages between groups are lost.</summary>
    public void Partition(int[] groups) => _partition = groups;

    public void Heal() => _partition = null;

    public bool Connected(int from, int to) => _partition is null || _partition[from] == _partition[to];

    public void Send(long now, int from, int to, ConsensusMessage message)
    {
        Sent++;
        if (!Connected(from, to) || (Filter is not null && !Filter(from, to, message)) || _random.NextDouble() < DropRate)
        {
            Dropped++;
            return;
        }

        var copies = _random.NextDouble() < DuplicateRate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var at = now + 1 + _random.Next(MaxDelay);
            var order = Reorder ? _random.NextInt64() : _order++;
            _queue.Enqueue(new InFlight(from, to, message), (at, order));
        }
    }

    /// <summary>Takes the messages due by this tick. A partition that formed meanwhile still cuts them.</summary>
    public List<InFlight> Due(long now)
    {
        var due = new List<InFlight>();
        while (_queue.TryPeek(out var next, out var when) && when.Tick <= now)
        {
            _queue.Dequeue();
            if (Connected(next.From, next.To))
            {
                due.Add(next);
            }
        }

        return due;
    }
}

internal sealed record InFlight(int From, int To, ConsensusMessage Message);
