using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Trustee;

/// <summary>The planner (<see cref="TrusteeDuties"/>), injectable so the loop is tested on its own.</summary>
internal interface ITrusteePlanner
{
    /// <summary>Every step due except the result; says whether the result is due.</summary>
    TrusteePlan Plan(TrusteeKey trustee, TrusteeView view);

    /// <summary>The result step, which may cost a discrete-log table.</summary>
    TrusteePlan Result(TrusteeKey trustee, TrusteeView view);
}

/// <summary>The real planner, with the weights it solved kept so a result sent again costs nothing.</summary>
internal sealed class DutiesPlanner : ITrusteePlanner
{
    private readonly SolvedResults _solved = new();

    public TrusteePlan Plan(TrusteeKey trustee, TrusteeView view) => TrusteeDuties.Plan(trustee, view);

    public TrusteePlan Result(TrusteeKey trustee, TrusteeView view) => TrusteeDuties.Result(trustee, view, _solved);
}

/// <summary>What one pass saw: the elections naming this key, how many of them are over for it, what it submitted.</summary>
internal sealed record TrusteePass(int Elections, int Finished, int Submitted)
{
    /// <summary>At least one election names the key and each has its result out (or can never have one).</summary>
    public bool AllFinished => Elections > 0 && Finished == Elections;
}

/// <summary>
/// The one trustee loop, for the in-node service and <c>votechain trustee run</c> alike: each pass reads every
/// secret election naming this key, asks the planner what is due, signs each duty with the trustee key and submits
/// it. All the trustee's knowledge is the committed state, so a restart resumes where the chain stands. A step
/// submitted is not submitted again while it may still commit (<see cref="PendingFor"/>, or until the chain says it
/// committed or was dropped), so a slow block does not fill the mempool with rival copies of one deal.
/// </summary>
internal sealed class TrusteeLoop
{
    /// <summary>How long a submitted step is held back when the source cannot say whether it is still pending.</summary>
    public static readonly TimeSpan PendingFor = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a refused step waits before it is tried again. Short, because some refusals pass with time (a phase
    /// that opens by block time a moment after this clock), and phases may be only seconds long.
    /// </summary>
    public static readonly TimeSpan RetryAfterRefusal = TimeSpan.FromSeconds(2);

    private readonly TrusteeKey _key;
    private readonly ITrusteeChain _chain;
    private readonly ITrusteeLog _log;
    private readonly TimeProvider _clock;
    private readonly ITrusteePlanner _planner;
    private readonly string? _onlyElection;
    private readonly Dictionary<(string Election, string Step), Submitted> _pending = [];
    private readonly Dictionary<(string Election, string Step), DateTimeOffset> _refusedUntil = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);
    private string? _chainProblem;

    /// <param name="onlyElection">Act for this election only (<c>trustee run --election</c>); null: every one.</param>
    public TrusteeLoop(TrusteeKey key, ITrusteeChain chain, ITrusteeLog log, TimeProvider clock,
        ITrusteePlanner? planner = null, string? onlyElection = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(clock);
        _key = key;
        _chain = chain;
        _log = log;
        _clock = clock;
        _planner = planner ?? new DutiesPlanner();
        _onlyElection = onlyElection;
    }

    /// <summary>Steps submitted and still held back, for tests and the node's status.</summary>
    public int PendingSteps => _pending.Count;

    /// <summary>What the last pass saw; null before the first.</summary>
    public TrusteePass? LastPass { get; private set; }

    /// <summary>One pass over the elections; never throws for the chain's or the planner's failures (it reports them).</summary>
    public TrusteePass RunOnce(CancellationToken cancellation = default)
    {
        // Pending steps are settled before the state is read: a step that commits after this check stays held back,
        // and one that committed before it is already in the state the planner sees, so it is never posted twice.
        IReadOnlyList<ElectionRecord> mine;
        try
        {
            ForgetSettled();
            mine = [.. _chain.Elections().Where(IsMine)];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported when it starts (or changes), not every second; once the chain answers again, a later outage is
            // news again.
            var problem = Describe(e);
            if (problem != _chainProblem)
            {
                _chainProblem = problem;
                _log.Failed(null, problem);
            }

            return LastPass = new TrusteePass(0, 0, 0);
        }

        _chainProblem = null;

        // Two rounds: every election's deadline-bound steps (deal, ack, reveal, shares) first, then the results, which
        // may each take seconds of discrete logs; so one election's result never delays another's key generation.
        var finished = 0;
        var submitted = 0;
        var resultsDue = new List<TrusteeView>();
        foreach (var election in mine)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }

            var id = election.Definition.ElectionId;
            if (_finished.Contains(id) || Act(id, resultsDue, ref submitted))
            {
                finished++;
            }
        }

        foreach (var view in resultsDue)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }

            ActOnResult(view, ref submitted);
        }

        return LastPass = new TrusteePass(mine.Count, finished, submitted);
    }

    /// <summary>
    /// Passes until <paramref name="cancellation"/> fires, <paramref name="waitForWork"/> returns false (the source
    /// closed), or, with <paramref name="untilFinished"/>, every election naming the key is over.
    /// Each pass runs on the thread pool, never on the caller's thread: the planner may take seconds.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<bool>> waitForWork, bool untilFinished, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(waitForWork);
        while (!cancellation.IsCancellationRequested)
        {
            var pass = await Task.Run(() => RunOnce(cancellation), CancellationToken.None).ConfigureAwait(false);
            if (untilFinished && pass.AllFinished)
            {
                return;
            }

            bool more;
            try
            {
                more = await waitForWork(cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }

            if (!more)
            {
                return;
            }
        }
    }

    private bool IsMine(ElectionRecord election) =>
        election.Secret is { } settings
        && (_onlyElection is null || election.Definition.ElectionId == _onlyElection)
        && SecretSettings.TrusteeIndex(settings, _key.PublicKey) != 0;

    /// <summary>
    /// Does what is due for one election but its result, and adds its view to <paramref name="resultsDue"/> when the
    /// result is due and none this trustee sent is pending; returns true when the election is over for this trustee.
    /// </summary>
    private bool Act(string electionId, List<TrusteeView> resultsDue, ref int submitted)
    {
        var now = _clock.GetUtcNow();
        TrusteePlan plan;
        TrusteeView view;
        try
        {
            if (_chain.Read(electionId) is not { } state)
            {
                return false;
            }

            if (Over(state, now) is { } why)
            {
                _finished.Add(electionId);
                _log.Over(electionId, why);
                return true;
            }

            view = new TrusteeView(_chain.ChainId, _chain.GenesisHash, state.Election, state.Secret, state.Tally,
                state.HeadTimeUnixMs, now.ToUnixTimeMilliseconds());
            plan = _planner.Plan(_key, view);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The planner is pure but new; a bug in it, or a record it cannot read, must not stop the node's other
            // work or the trustee's other elections. Reported once per distinct problem, tried again next pass.
            ReportOnce(electionId, Describe(e));
            return false;
        }

        Submit(electionId, plan, now, ref submitted);
        if (plan.ResultDue && !HeldBack((electionId, ResultStep), now))
        {
            resultsDue.Add(view);
        }

        return false;
    }

    /// <summary>Computes and sends the result (the planner's cache makes a repeat free).</summary>
    private void ActOnResult(TrusteeView view, ref int submitted)
    {
        var electionId = view.Election.Definition.ElectionId;
        var now = _clock.GetUtcNow();
        TrusteePlan plan;
        try
        {
            plan = _planner.Result(_key, view);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReportOnce(electionId, Describe(e));
            return;
        }

        Submit(electionId, plan, now, ref submitted);
    }

    private void Submit(string electionId, TrusteePlan plan, DateTimeOffset now, ref int submitted)
    {
        if (plan.Problem is { } problem)
        {
            ReportOnce(electionId, problem);
        }

        foreach (var duty in plan.Duties)
        {
            var key = (duty.ElectionId, StepKey(duty));
            if (HeldBack(key, now))
            {
                continue;
            }

            var payload = duty.Payload.Clone();
            payload.ChainId = _chain.ChainId;
            TrusteeSubmission outcome;
            try
            {
                outcome = _chain.Submit(TxSigning.Sign(_key.Signing, payload));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ReportOnce(duty.ElectionId, Describe(e));
                continue;
            }

            if (outcome.Accepted)
            {
                _pending[key] = new Submitted(outcome.TxId!, now);
                _refusedUntil.Remove(key);
                submitted++;
                _log.Posted(duty.ElectionId, duty.Step, outcome.TxId!);
            }
            else
            {
                _refusedUntil[key] = now + RetryAfterRefusal;
                if (_reported.Add($"refused\0{duty.ElectionId}\0{duty.Step}\0{outcome.Code}"))
                {
                    _log.Refused(duty.ElectionId, duty.Step, outcome.Code ?? "REFUSED", outcome.Message ?? "");
                }
            }
        }
    }

    /// <summary>A step sent and still pending, or refused a moment ago: not planned (for the result) nor sent again.</summary>
    private bool HeldBack((string Election, string Step) key, DateTimeOffset now) =>
        _pending.ContainsKey(key) || (_refusedUntil.TryGetValue(key, out var until) && now < until);

    /// <summary>Why the election is over for this trustee (the result is out, or the key generation failed so none can
    /// come), or null while it is not.</summary>
    private static string? Over(TrusteeElectionState state, DateTimeOffset now) =>
        state.Tally.ResultPublished ? "result published"
        : KeyGenerationStatus.Evaluate(state.Election, state.Secret, now.ToUnixTimeMilliseconds()).Phase == KeyGenerationPhase.Failed
            ? $"key generation failed (fewer than {state.Election.Secret.Threshold} dealers qualified): it can take no votes"
        : null;

    /// <summary>
    /// What one pending submission stands for: the step, and for a reveal the complainer it answers, since several
    /// reveals can be due at once and each must go out (the planner's other steps come one at a time).
    /// </summary>
    private const string ResultStep = "result";

    private static string StepKey(TrusteeDuty duty) =>
        duty.Payload.KindCase == TxPayload.KindOneofCase.KeyReveal ? $"{duty.Step}/{duty.Payload.KeyReveal.Recipient}" : duty.Step;

    private void ForgetSettled()
    {
        var now = _clock.GetUtcNow();
        foreach (var (key, submitted) in _pending.ToList())
        {
            var status = _chain.Status(submitted.TxId);
            if (status is TrusteeTxStatus.Committed or TrusteeTxStatus.Dropped
                || (status != TrusteeTxStatus.Pending && now - submitted.At >= PendingFor))
            {
                _pending.Remove(key);
            }
        }
    }

    private void ReportOnce(string? electionId, string problem)
    {
        if (_reported.Add($"failed\0{electionId}\0{problem}"))
        {
            _log.Failed(electionId, problem);
        }
    }

    /// <summary>A one-line problem: an operator's sentence as it is, anything else with its type for the bug report.</summary>
    private static string Describe(Exception e) => e is UserInputException ? e.Message : $"{e.GetType().Name}: {e.Message}";

    private sealed record Submitted(byte[] TxId, DateTimeOffset At);
}
