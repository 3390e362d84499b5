using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>
/// Watches every finalized block and every signed message of honest nodes: agreement (one block per height
/// everywhere, with identical stored bodies), validity (finalized blocks pass the rules, their bodies match their
/// headers, and their time was within the clock drift when honest validators first prepared them), certificates
/// that verify, and no honest validator signing two different things at the same (height, view, step), across
/// restarts too.
/// </summary>
internal sealed class SafetyChecker
{
    private readonly string _chainId;
    private readonly SimGovernance _governance;
    private readonly Dictionary<ulong, (byte[] Hash, byte[] Body)> _committed = [];
    private readonly Dictionary<byte[], long> _firstPreparedMs = new(Consensus.State.ByteKeyComparer.Instance);
    private readonly Dictionary<(uint Sender, ulong Height, ulong View, SignStep Step), byte[]> _signed = [];

    public SafetyChecker(string chainId, ValidatorSet validators, SimGovernance governance)
    {
        _chainId = chainId;
        _governance = governance;
        Schedule = new ValidatorSchedule(validators);
    }

    /// <summary>The sets in force by height, from the first commit of each height (agreement is checked for the rest).</summary>
    public ValidatorSchedule Schedule { get; }

    public List<string> Violations { get; } = [];

    public ulong HighestCommitted => _committed.Count == 0 ? 0 : _committed.Keys.Max();

    public void OnCommit(SimNode node, FinalizedBlock block, long parentTime)
    {
        var height = block.Height;
        // The body as stored, certificate aside: a header hash alone would not show a swapped body.
        var body = Consensus.Crypto.Hashing.Sha256(BlockCodec.WithoutCertificate(block.Block.Block));
        if (_committed.TryGetValue(height, out var agreed))
        {
            if (!agreed.Hash.AsSpan().SequenceEqual(block.Block.Hash))
            {
                Violations.Add($"agreement: node {node.Index} committed {Short(block.Block.Hash)} at height {height}, others {Short(agreed.Hash)}");
            }
            else if (!agreed.Body.AsSpan().SequenceEqual(body))
            {
                Violations.Add($"agreement: node {node.Index} stored another body under block {Short(block.Block.Hash)} at height {height}");
            }
        }
        else
        {
            _committed[height] = (block.Block.Hash, body);
            if (block.Block.Header.ValidatorChange is { } change)
            {
                Schedule.Add(change);
            }
        }

        if (CommitCertificates.Problem(block.Certificate, Schedule.At(height), _chainId, height, block.Block.Hash) is { } problem)
        {
            Violations.Add($"certificate: node {node.Index} committed height {height} with a bad certificate: {problem}");
        }

        var time = block.Block.Header.TimeUnixMs;
        var invalid = SimLedger.RulesProblem(block.Block)
            ?? _governance.Problem(block.Block)
            ?? BlockValidity.BodyProblem(block.Block, SimLedger.Limits)
            ?? BlockValidity.TimeProblem(time, parentTime, nowMs: null, SimLedger.Limits.MaxClockDriftMs)
            ?? (_firstPreparedMs.TryGetValue(block.Block.Hash, out var preparedAt)
                && Math.Abs(time - preparedAt) > SimLedger.Limits.MaxClockDriftMs
                    // Plain arithmetic, not the core's check: the checker must not share the code it watches.
                    ? $"the block time is {time - preparedAt} ms from the clock when honest validators first prepared it"
                    : null);
        if (invalid is not null)
        {
            Violations.Add($"validity: node {node.Index} committed an invalid block at height {height}: {invalid}");
        }
    }

    /// <param name="nowMs">Virtual time, the clock every honest node reads: the first honest Prepare of a block is
    /// when its time was judged fresh, so that is the time it must be within the drift of.</param>
    public void OnSigned(SimNode node, ConsensusMessage message, long nowMs)
    {
        if (!node.Honest)
        {
            return;
        }

        var (height, view, step, hash) = Describe(message);
        // Membership: an honest node signs at a height only as the validator its key is there; a key that left the set
        // (removed, or rotated out) signs nothing at a later height.
        var set = Schedule.At(height);
        var sender = SenderOf(message);
        if (!node.IsIn(set) || sender >= set.Count
            || !(set.PublicKey((int)sender).SequenceEqual(node.Key.PublicKey) || set.PublicKey((int)sender).SequenceEqual(node.NextKey.PublicKey)))
        {
            Violations.Add($"membership: honest node {node.Index} signed a {step} at height {height} as validator {sender}, a key it does not hold there");
        }

        if (step == SignStep.Prepare)
        {
            _firstPreparedMs.TryAdd(hash, nowMs);
        }

        var key = ((uint)node.Index, height, view, step);
        if (_signed.TryGetValue(key, out var earlier))
        {
            if (!earlier.AsSpan().SequenceEqual(hash))
            {
                Violations.Add($"double-sign: honest node {node.Index} signed two {step} messages at height {height} view {view}");
            }
        }
        else
        {
            _signed[key] = hash;
        }
    }

    private static (ulong Height, ulong View, SignStep Step, byte[] Hash) Describe(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => (message.PrePrepare.Height, message.PrePrepare.View, SignStep.PrePrepare,
            BlockCodec.Parse(message.PrePrepare.Block.Span).Value!.Hash),
        ConsensusMessage.KindOneofCase.PhaseVote => (message.PhaseVote.Height, message.PhaseVote.View,
            message.PhaseVote.Kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare, message.PhaseVote.BlockHash.ToByteArray()),
        ConsensusMessage.KindOneofCase.ViewChange => (message.ViewChange.Height, message.ViewChange.NewView, SignStep.ViewChange,
            message.ViewChange.Prepared is null ? [] : BlockCodec.Parse(message.ViewChange.Prepared.Block.Span).Value!.Hash),
        _ => (message.NewView.Height, message.NewView.View, SignStep.NewView,
            BlockCodec.Parse(message.NewView.PrePrepare.Block.Span).Value!.Hash),
    };

    private static uint SenderOf(ConsensusMessage message) => message.KindCase switch
    {
        ConsensusMessage.KindOneofCase.PrePrepare => message.PrePrepare.Sender,
        ConsensusMessage.KindOneofCase.PhaseVote => message.PhaseVote.Sender,
        ConsensusMessage.KindOneofCase.ViewChange => message.ViewChange.Sender,
        _ => message.NewView.Sender,
    };

    private static string Short(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, 4));
}
