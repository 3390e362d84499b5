using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// View steering. The dishonest validator never proposes; every few ticks it sends signed ViewChanges (nothing
/// prepared) for the current height and the next one, each asking for a view far ahead that it leads itself, just
/// inside the engine's far-future bound. A replica that jumps on its timeout to the highest view any single validator
/// asked for lands in a view whose primary stays silent, times out again (longer each time) and jumps again.
/// </summary>
internal sealed class ViewSteeringAttack(AttackContext context) : IAttack
{
    /// <summary>How far ahead it asks: below the engine's MaxViewsAhead (64), so no replica drops the request as too far.</summary>
    private const ulong Reach = 60;

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, ulong> _honestViews = [];
    private ulong _height = 1;
    private ulong _highestAsked;

    /// <summary>The highest view it has asked for.</summary>
    public ulong HighestAsked
    {
        get
        {
            lock (_gate)
            {
                return _highestAsked;
            }
        }
    }

    public void OnMessage(ConsensusMessage message)
    {
        var (height, view, committed) = message.KindCase switch
        {
            ConsensusMessage.KindOneofCase.PrePrepare => (message.PrePrepare.Height, message.PrePrepare.View, false),
            ConsensusMessage.KindOneofCase.PhaseVote => (message.PhaseVote.Height, message.PhaseVote.View,
                message.PhaseVote.Kind == PhaseVoteKind.Commit),
            ConsensusMessage.KindOneofCase.ViewChange => (message.ViewChange.Height, message.ViewChange.NewView, false),
            ConsensusMessage.KindOneofCase.NewView => (message.NewView.Height, message.NewView.View, false),
            _ => (0UL, 0UL, false),
        };
        lock (_gate)
        {
            // A Commit at h means h is about to be final: steer h+1 from then on.
            _height = Math.Max(_height, committed ? height + 1 : height);
            _honestViews[height] = Math.Max(view, _honestViews.GetValueOrDefault(height));
            _honestViews.Keys.Where(h => h + 2 < _height).ToList().ForEach(h => _honestViews.Remove(h));
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            lock (_gate)
            {
                // The next height too: a replica buffers it and has the request the moment it starts that height.
                Steer(_height);
                Steer(_height + 1);
            }
        }
    }

    private void Steer(ulong height)
    {
        var from = _honestViews.GetValueOrDefault(height);
        for (var view = from + Reach; view > from; view--)
        {
            if (context.Leads(height, view))
            {
                _highestAsked = Math.Max(_highestAsked, view);
                context.Broadcast(new ConsensusMessage { ViewChange = context.Sign.ViewChange(height, view, null, []) });
                return;
            }
        }
    }
}
