using Google.Protobuf;
using VoteChain.Consensus.Secret;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>A clock that moves only when told to, and whose timers never fire (so only a commit wakes the service).</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverTimer();

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A chain held in memory: elections, what was submitted, and what each submission's status is said to be.</summary>
internal sealed class FakeTrusteeChain : ITrusteeChain
{
    public string ChainId => "trustee-test";

    public byte[] GenesisHash { get; } = new byte[32];

    public Dictionary<string, TrusteeElectionState> States { get; } = [];

    public List<TxEnvelope> Submitted { get; } = [];

    /// <summary>The status every submitted transaction reports.</summary>
    public TrusteeTxStatus Status { get; set; } = TrusteeTxStatus.Unknown;

    /// <summary>Set to refuse every submission with this code.</summary>
    public string? RefuseWith { get; set; }

    public bool Unreachable { get; set; }

    public IReadOnlyList<ElectionRecord> Elections() =>
        Unreachable ? throw new UserInputException("cannot reach a node at http://nowhere") : [.. States.Values.Select(s => s.Election)];

    public TrusteeElectionState? Read(string electionId) => States.GetValueOrDefault(electionId);

    public TrusteeSubmission Submit(byte[] envelope)
    {
        var parsed = TxEnvelope.Parser.ParseFrom(envelope);
        if (RefuseWith is { } code)
        {
            return TrusteeSubmission.Refused(code, "refused for the test");
        }

        Submitted.Add(parsed);
        return TrusteeSubmission.Ok(System.Security.Cryptography.SHA256.HashData(envelope));
    }

    TrusteeTxStatus ITrusteeChain.Status(byte[] txId) => Status;

    /// <summary>A secret election naming <paramref name="trustees"/>, created at <paramref name="createdAt"/>.</summary>
    public ElectionRecord AddElection(string id, DateTimeOffset createdAt, params byte[][] trustees)
    {
        var election = new ElectionRecord
        {
            Definition = new CreateElection { ElectionId = id, Options = { "yes", "no" } },
            CreatedAtUnixMs = createdAt.ToUnixTimeMilliseconds(),
            Secret = new SecretBallotSettings { Threshold = 1, KeyPhaseSeconds = 60 },
        };
        election.Secret.Trustees.AddRange(trustees.Select(ByteString.CopyFrom));
        States[id] = new TrusteeElectionState(election, null, new TallyRecord { Secret = true }, 0);
        return election;
    }
}

/// <summary>A planner that plans with a function and never has a result due.</summary>
internal sealed class FuncPlanner(Func<TrusteeView, TrusteePlan> plan) : ITrusteePlanner
{
    public TrusteePlan Plan(TrusteeKey trustee, TrusteeView view) => plan(view);

    public TrusteePlan Result(TrusteeKey trustee, TrusteeView view) => new([], null);
}

/// <summary>A planner that returns the duties it is told to, and counts its calls per election.</summary>
internal sealed class FakePlanner : ITrusteePlanner
{
    public Dictionary<string, int> Calls { get; } = [];

    /// <summary>Result computations asked for, per election, in the order asked.</summary>
    public List<string> ResultCalls { get; } = [];

    /// <summary>Steps due per election; each call builds a fresh payload, as the real planner's fresh randomness would.</summary>
    public Dictionary<string, string[]> Due { get; } = [];

    /// <summary>Elections whose plan says the result is due.</summary>
    public HashSet<string> ResultDue { get; } = [];

    public Exception? Throw { get; set; }

    /// <summary>The planner's sentence about what it cannot do, returned with every plan.</summary>
    public string? Problem { get; set; }

    /// <summary>The views planned from, in order.</summary>
    public List<TrusteeView> Views { get; } = [];

    public TrusteePlan Plan(TrusteeKey trustee, TrusteeView view)
    {
        var id = view.Election.Definition.ElectionId;
        Calls[id] = Calls.GetValueOrDefault(id) + 1;
        Views.Add(view);
        if (Throw is { } problem)
        {
            throw problem;
        }

        return new TrusteePlan([.. Due.GetValueOrDefault(id, []).Select(step => new TrusteeDuty(id, step, Payload(id, step, Calls[id])))],
            Problem, ResultDue.Contains(id));
    }

    public TrusteePlan Result(TrusteeKey trustee, TrusteeView view)
    {
        var id = view.Election.Definition.ElectionId;
        ResultCalls.Add(id);
        return new TrusteePlan([new TrusteeDuty(id, "result", new TxPayload { PublishResult = new PublishResult { ElectionId = id } })], null, true);
    }

    /// <summary>"reveal:N" is a reveal to trustee N; anything else an ack that differs on every call.</summary>
    private static TxPayload Payload(string id, string step, int call) => step.StartsWith("reveal:", StringComparison.Ordinal)
        ? new TxPayload { KeyReveal = new KeyGenerationReveal { ElectionId = id, Recipient = uint.Parse(step[7..], System.Globalization.CultureInfo.InvariantCulture) } }
        : new TxPayload { KeyAck = new KeyGenerationAck { ElectionId = id, Complaints = { (uint)call } } };
}

internal sealed class RecordingLog : ITrusteeLog
{
    public List<string> Lines { get; } = [];

    public void Posted(string electionId, string step, byte[] txId) => Lines.Add($"posted {step} {electionId}");

    public void Refused(string electionId, string step, string code, string message) => Lines.Add($"refused {step} {electionId} {code}");

    public void Over(string electionId, string why) => Lines.Add($"over {electionId} {why}");

    public void Failed(string? electionId, string problem) => Lines.Add($"failed {electionId} {problem}");
}
