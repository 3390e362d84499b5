using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Networking.Events;

namespace VoteChain.Node.Trustee;

/// <summary>
/// The node's trustee: runs the <see cref="TrusteeLoop"/> with the home's trustee key against the node's own store and
/// mempool. A pass runs after each committed block and at least every <see cref="Interval"/>, because key generation
/// phases end by time, not only by blocks. Passes run on the thread pool, apart from the consensus thread; the node
/// stopping cancels the wait and the loop ends after the pass in progress.
/// </summary>
internal sealed partial class TrusteeService : BackgroundService, ITrusteeLog
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ChainEvents _events;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private ulong _seen;

    public TrusteeService(Consensus.Secret.TrusteeKey key, ITrusteeChain chain, ChainEvents events, TimeProvider clock,
        ILogger<TrusteeService> logger, ITrusteePlanner? planner = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        _seen = events.Height;
        _clock = clock;
        _logger = logger;
        Loop = new TrusteeLoop(key, chain, this, clock, planner);
    }

    public TrusteeLoop Loop { get; }

    void ITrusteeLog.Posted(string electionId, string step, byte[] txId) =>
        LogPosted(TrusteeSteps.Describe(step), electionId, Convert.ToHexStringLower(txId));

    void ITrusteeLog.Refused(string electionId, string step, string code, string message)
    {
        if (TrusteeSteps.IsAlreadyDone(code))
        {
            LogAlreadyDone(step, electionId, message);
        }
        else
        {
            LogRefused(step, electionId, code, message);
        }
    }

    void ITrusteeLog.Over(string electionId, string why) => LogOver(electionId, why);

    void ITrusteeLog.Failed(string? electionId, string problem) =>
        LogFailed(electionId ?? "(all)", problem);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Loop.RunAsync(WaitForWork, untilFinished: false, stoppingToken);

    /// <summary>Until a block beyond the last one seen commits, or the interval passes; false once the node closes.</summary>
    private async Task<bool> WaitForWork(CancellationToken stopping)
    {
        using var interval = new CancellationTokenSource(Interval, _clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, interval.Token);
        try
        {
            if (await _events.WaitBeyondAsync(_seen, either.Token).ConfigureAwait(false) is not { } height)
            {
                return false;
            }

            _seen = height;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // The interval passed with no new block: a pass is due for the clock's sake.
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "trustee: {Action} for election {Election} (tx {TxId})")]
    private partial void LogPosted(string action, string election, string txId);

    [LoggerMessage(Level = LogLevel.Information, Message = "trustee: {Step} for election {Election} was already on chain: {Detail}")]
    private partial void LogAlreadyDone(string step, string election, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "trustee: {Step} for election {Election} refused: {Code}: {Problem}")]
    private partial void LogRefused(string step, string election, string code, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "trustee: election {Election} is over: {Why}")]
    private partial void LogOver(string election, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "trustee: election {Election}: {Problem}")]
    private partial void LogFailed(string election, string problem);
}
