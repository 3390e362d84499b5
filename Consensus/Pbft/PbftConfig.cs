using VoteChain.Consensus.Chain;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// How an engine behaves. Time is counted in ticks; the driver decides how long a tick is. <paramref name="Limits"/>
/// bounds every block the engine holds, whoever sent it.
/// </summary>
/// <param name="Validators">The genesis set; <see cref="Schedule"/> has the sets governance put in force since.</param>
public sealed record PbftConfig(string ChainId, ValidatorSet Validators, BlockLimits Limits)
{
    private readonly ValidatorSchedule? _schedule;

    /// <summary>
    /// The sets by the height they take effect, as known when the engine starts (each engine extends its own copy from
    /// the headers it finalizes). Genesis's alone by default.
    /// </summary>
    public ValidatorSchedule Schedule
    {
        get => _schedule ?? new ValidatorSchedule(Validators);
        init => _schedule = value;
    }

    /// <summary>Ticks a replica waits for progress in view 0 before it asks for a view change.</summary>
    public int ViewTimeoutTicks { get; init; } = 20;

    /// <summary>The timeout doubles with each view up to this many times, so views never wait without bound.</summary>
    public int MaxTimeoutDoublings { get; init; } = 4;

    /// <summary>How often a validator re-sends what it signed at the current height (messages may be lost).</summary>
    public int RebroadcastTicks { get; init; } = 10;

    /// <summary>With no pending transactions, propose an empty block after this many ticks; 0: never.</summary>
    public int BlockIntervalTicks { get; init; }

    /// <summary>
    /// Phase votes, view changes and NewViews for views further ahead than this are not stored: memory stays bounded
    /// whatever a liar signs. (A far view change still tells which view its sender reached, one number per sender.)
    /// </summary>
    public ulong MaxViewsAhead { get; init; } = 64;

    /// <summary>
    /// Proposals of views this far behind the current one are still taken (a commit quorum of a view just left may
    /// yet form); older ones are refused and freed when a view is entered, so a liar cannot pile up one block per view.
    /// </summary>
    public ulong OldViewsKept { get; init; } = 2;

    /// <summary>Messages buffered for the next height, per sender.</summary>
    public int MaxBufferedPerSender { get; init; } = 32;

    public int TimeoutFor(ulong view)
    {
        var doublings = (int)Math.Min(view, (ulong)MaxTimeoutDoublings);
        var timeout = ViewTimeoutTicks << doublings;
        return view == 0 ? timeout + BlockIntervalTicks : timeout;
    }
}
