using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The PBFT replica as a pure state machine: <see cref="Step"/> takes one input and returns what to do. No I/O,
/// clock, threads or randomness: the same inputs always give the same outputs, so a simulator can replay any
/// run from its seed. This file holds the inputs, timers and height changes; the normal case (proposal, prepare,
/// commit) and the view change have files of their own.
/// </summary>
public sealed partial class PbftEngine
{
    private PbftConfig _config;
    private readonly ValidatorSchedule _schedule;
    private readonly IReadOnlyList<ISigner> _signers;
    private readonly IProposalValidator _proposals;
    private ValidatorSet _validators;
    private MessageFactory? _factory;
    private MessageChecks _checks;
    private readonly SignGuard _guard;
    private readonly Dictionary<DropReason, long> _drops = [];
    private readonly Dictionary<uint, ulong> _heightsSeen = [];
    private readonly Dictionary<uint, List<ConsensusMessage>> _nextHeight = [];
    private RoundState _round = new();
    private StepOutput _out = new();
    private bool _hasWork;
    private int _viewTimer;
    private int _rebroadcastTimer;
    private int _fetchCooldown;
    private int _ticksAtHeight;

    /// <param name="signer">This validator's key; null for an observer, which follows but never signs.</param>
    /// <param name="committedHeight">Height of the last committed block (0: only genesis).</param>
    /// <param name="headHash">Hash of that block (the genesis hash at height 0).</param>
    /// <param name="restored">The sign-state persisted before the last restart, if any.</param>
    public PbftEngine(PbftConfig config, IProposalValidator proposals, ISigner? signer, ulong committedHeight, byte[] headHash,
        SignState? restored)
        : this(config, proposals, signer is null ? [] : [signer], committedHeight, headHash, restored)
    {
    }

    /// <param name="signers">
    /// The keys this node holds (its key, and the key a rotation moves it to): at each height it signs with the one in
    /// that height's set, and with none of them it only follows. Empty for an observer.
    /// </param>
    public PbftEngine(PbftConfig config, IProposalValidator proposals, IReadOnlyList<ISigner> signers, ulong committedHeight, byte[] headHash,
        SignState? restored)
    {
        _config = config;
        _schedule = config.Schedule.Copy();
        _signers = signers;
        _proposals = proposals;
        _guard = new SignGuard(restored);
        Height = committedHeight + 1;
        HeadHash = headHash;
        _validators = null!;
        _checks = null!;
        EnterSetOf(Height);
        ResumeFrom(restored);
    }

    /// <summary>The validators of the height being agreed on.</summary>
    public ValidatorSet Validators => _validators;

    /// <summary>
    /// Takes new timeouts, from a governance change of parameters now in force (docs/GOVERNANCE.md). Timing is each
    /// node's own affair (nothing it decides depends on another node's timers), so it need not change at one height
    /// everywhere; a timer already running keeps its deadline.
    /// </summary>
    public void Retime(int viewTimeoutTicks, int blockIntervalTicks) =>
        _config = _config with { ViewTimeoutTicks = viewTimeoutTicks, BlockIntervalTicks = blockIntervalTicks };

    /// <summary>The height being agreed on: the last committed height plus one.</summary>
    public ulong Height { get; private set; }

    /// <summary>Hash of the last committed block, the parent of the block being agreed on.</summary>
    public byte[] HeadHash { get; private set; }

    public ulong View { get; private set; }

    /// <summary>True between asking for a view change and entering the new view.</summary>
    public bool ViewChanging { get; private set; }

    /// <summary>This validator's index in the current height's set, or null when it holds no key of that set (an observer).</summary>
    public uint? Index => _factory?.Index;

    /// <summary>Messages ignored so far, by reason.</summary>
    public IReadOnlyDictionary<DropReason, long> Drops => _drops;

    public bool IsPrimary => _factory is not null && _validators.Primary(Height, View) == (int)_factory.Index;

    public StepOutput Step(IEngineInput input)
    {
        _out = new StepOutput();
        switch (input)
        {
            case Tick:
                OnTick();
                break;
            case MessageReceived received:
                OnMessage(received.Message);
                break;
            case ProposalBuilt built:
                OnProposalBuilt(built);
                break;
            case BlockFetched fetched:
                OnBlockFetched(fetched);
                break;
            case WorkPending pending:
                _hasWork = pending.HasTransactions;
                break;
            default:
                throw new ArgumentException($"Unknown engine input {input.GetType().Name}.", nameof(input));
        }

        MaybePropose();
        return _out;
    }

    /// <summary>
    /// Picks up where the sign-state says this validator stood at the current height, if it signed there: at start,
    /// or when sync brings blocks that had fallen behind the sign-state up to its height. Below that height the guard
    /// lets nothing be signed, so a validator that lost its blocks only follows until it is back.
    /// </summary>
    private void ResumeFrom(SignState? restored)
    {
        ResetTimers();
        if (restored is null || restored.Height != Height)
        {
            return;
        }

        // It signed at this height before the restart: it can only go on from the view it had reached, and it must
        // remember what it had prepared, or a new view could replace a block that committed elsewhere.
        View = restored.View;
        ViewChanging = restored.Step == (uint)SignStep.ViewChange;
        ResetTimers();
        _round.Active = true;
        if (restored.Prepared is { } prepared
            && _checks.PreparedProblem(prepared, Height, ulong.MaxValue, out var block) is null)
        {
            _round.SetPrepared(prepared, block!);
        }

        // Its view change went out before the restart, but others may have missed it and its re-send list is gone:
        // the same message again (same signed content, so the guard allows it) keeps the view change alive.
        var preparedHash = _round.PreparedHash;
        if (ViewChanging && _factory is not null && _guard.MaySign(Height, View, SignStep.ViewChange, preparedHash))
        {
            var viewChange = _factory.ViewChange(Height, View, _round.Prepared, preparedHash);
            _round.AddOwn(new ConsensusMessage { ViewChange = viewChange });
            _round.AddViewChange(viewChange);
        }
    }

    private void OnTick()
    {
        _ticksAtHeight++;
        _fetchCooldown = Math.Max(0, _fetchCooldown - 1);
        if (TimerRunning && --_viewTimer <= 0)
        {
            OnViewTimeout();
        }

        if (--_rebroadcastTimer <= 0)
        {
            _rebroadcastTimer = _config.RebroadcastTicks;
            _out.Messages.AddRange(_round.Own);
            // Now and then even one validator seen ahead is worth a fetch: the commits this engine missed are
            // never sent again, and a fetched block is adopted only if its certificate verifies.
            CheckBehind(1);
        }
    }

    /// <summary>
    /// An idle chain does not time out: only pending work, a block interval or activity start the clock. A replica
    /// that asked for a view waits, clock stopped, until a quorum has asked for it or a later one (as in PBFT): a
    /// replica alone cannot run ahead through views and leave the others chasing it. A later view counts because its
    /// asker has given up on this one too, and its earlier view change may be lost for good (it restarted).
    /// </summary>
    private bool TimerRunning => ViewChanging
        ? _round.AskedAtLeast(View) >= _validators.Quorum
        : _hasWork || _config.BlockIntervalTicks > 0 || _round.Active;

    private void ResetTimers()
    {
        _viewTimer = _config.TimeoutFor(View);
        _rebroadcastTimer = _config.RebroadcastTicks;
    }

    private void OnMessage(ConsensusMessage message)
    {
        if (MessageChecks.Envelope(message) is not { } envelope || !MessageChecks.Canonical(message))
        {
            Drop(DropReason.Malformed);
            return;
        }

        if (envelope.Height < Height)
        {
            Drop(DropReason.OldHeight);
            return;
        }

        // A message is judged by its own height's set: the next height's may differ (a change takes effect there), and
        // a key that left the set signs nothing that counts from then on.
        var checks = envelope.Height == Height ? _checks : ChecksFor(envelope.Height);
        if (!checks.Validators.Contains(envelope.Sender))
        {
            Drop(DropReason.NotValidator);
            return;
        }

        if (checks.SignatureProblem(message) is { } problem)
        {
            Drop(problem);
            return;
        }

        if (envelope.Height > Height)
        {
            OnFutureMessage(message, envelope.Height, envelope.Sender);
            return;
        }

        switch (message.KindCase)
        {
            case ConsensusMessage.KindOneofCase.PrePrepare:
                OnPrePrepare(message.PrePrepare);
                break;
            case ConsensusMessage.KindOneofCase.PhaseVote:
                OnPhaseVote(message.PhaseVote);
                break;
            case ConsensusMessage.KindOneofCase.ViewChange:
                OnViewChange(message.ViewChange);
                break;
            default:
                OnNewView(message.NewView);
                break;
        }
    }

    /// <summary>
    /// A signed message from a later height: its sender has committed what this engine has not. Messages for the
    /// next height wait here (bounded); f+1 validators ahead mean at least one honest one is, so fetch.
    /// </summary>
    private void OnFutureMessage(ConsensusMessage message, ulong height, uint sender)
    {
        _heightsSeen[sender] = Math.Max(height, _heightsSeen.GetValueOrDefault(sender));
        if (height == Height + 1)
        {
            if (!_nextHeight.TryGetValue(sender, out var buffered))
            {
                buffered = [];
                _nextHeight[sender] = buffered;
            }

            // Bounded in count and bytes per sender: a buffered NewView is not checked beyond its own signature yet,
            // and its view changes may carry whole blocks.
            var size = message.CalculateSize();
            if (buffered.Count < _config.MaxBufferedPerSender
                && buffered.Sum(m => (long)m.CalculateSize()) + size <= 4L * _config.Limits.MaxBytes)
            {
                buffered.Add(message);
            }
            else
            {
                Drop(DropReason.FutureHeight);
            }
        }
        else
        {
            Drop(DropReason.FutureHeight);
        }

        CheckBehind(_validators.OneHonest);
    }

    /// <summary>Fetches when <paramref name="enough"/> validators were seen at later heights.</summary>
    private void CheckBehind(int enough)
    {
        var ahead = _heightsSeen.Count(seen => seen.Value > Height && seen.Key != Index);
        if (ahead >= enough)
        {
            RequestFetch();
        }
    }

    private void RequestFetch()
    {
        if (_fetchCooldown > 0)
        {
            return;
        }

        _out.FetchFrom = Height;
        _fetchCooldown = _config.RebroadcastTicks;
    }

    /// <summary>
    /// A block from sync is checked as fully as a proposal before anything is kept: it continues this chain, its
    /// certificate verifies, its body matches its header, and the rules accept its content. A refusal is the serving
    /// peer's fault and goes out as <see cref="StepOutput.RefusedBlocks"/>; nothing here throws.
    /// </summary>
    private void OnBlockFetched(BlockFetched fetched)
    {
        var parsed = BlockCodec.Parse(fetched.Block);
        if (parsed.Value is { } stale && stale.Height != Height)
        {
            // Sync raced with consensus (or a batch went on past a refused block): not evidence against the peer.
            Drop(DropReason.Unexpected);
            return;
        }

        var block = parsed.Value;
        var problem = block is null
            ? parsed.Rejection!.Message
            : StructureProblem(block)
                ?? CommitCertificates.Problem(block.Block.Certificate, _validators, _config.ChainId, Height, block.Hash)
                ?? BlockValidity.BodyProblem(block, _config.Limits)
                ?? _proposals.Problem(block, ProposalCheck.Certified);
        if (problem is not null)
        {
            Drop(DropReason.InvalidFetchedBlock);
            _out.RefusedBlocks.Add(new RefusedBlock(fetched.Source, Height, problem));
            return;
        }

        Finalize(block!, block!.Block.Certificate);
    }

    /// <summary>Null when the block continues this chain at this height (its content is the validator's business).</summary>
    private string? StructureProblem(ParsedBlock block) =>
        BlockValidity.StructureProblem(block.Header, _config.ChainId, Height, HeadHash, _validators.Count);

    private void Finalize(ParsedBlock block, CommitCertificate certificate)
    {
        // Its shape was checked with its structure; whether the rules approved exactly this change, by the proposal check.
        if (block.Header.ValidatorChange is { } change)
        {
            _schedule.Add(change);
        }

        var certified = block.Block.Clone();
        certified.Certificate = certificate;
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(certified);
        _out.Finalized.Add(new FinalizedBlock(block with { Block = certified }, certificate, bytes));
        AdvanceTo(block.Hash);
    }

    private void AdvanceTo(byte[] committedHash)
    {
        Height++;
        HeadHash = committedHash;
        EnterSetOf(Height);
        View = 0;
        ViewChanging = false;
        _round = new RoundState();
        _ticksAtHeight = 0;

        // The committed block may have taken every pending transaction: the driver says again whether work is left.
        _hasWork = false;

        // Normally the last signature is below the new height. It is at it when the blocks fell behind the sign-state
        // (data wiped, an old backup restored) and sync has now caught up: go on from the view and prepared block it had.
        ResumeFrom(_guard.Last);

        var buffered = _nextHeight.Values.SelectMany(m => m).ToList();
        _nextHeight.Clear();
        foreach (var message in buffered)
        {
            OnMessage(message);
        }
    }

    /// <summary>
    /// Takes the set of <paramref name="height"/>: its quorum and primaries, the senders whose messages count, and the key
    /// (if any) this node signs with there.
    /// </summary>
    private void EnterSetOf(ulong height)
    {
        var set = _schedule.At(height);
        if (ReferenceEquals(set, _validators))
        {
            return;
        }

        _validators = set;
        _checks = new MessageChecks(_config.ChainId, set, _config.Limits);
        _factory = null;
        foreach (var signer in _signers)
        {
            if (set.IndexOf(signer.PublicKey) is { } index)
            {
                _factory = new MessageFactory(_config.ChainId, signer, (uint)index);
                break;
            }
        }

        // Who was seen ahead is counted by index, and an index may now be another validator.
        _heightsSeen.Clear();
    }

    /// <summary>Checks for a later height's messages (the next height's set is known: changes take effect 3 blocks after approval).</summary>
    private MessageChecks ChecksFor(ulong height)
    {
        var set = _schedule.At(height);
        return ReferenceEquals(set, _validators) ? _checks : new MessageChecks(_config.ChainId, set, _config.Limits);
    }

    private void Drop(DropReason reason) => _drops[reason] = _drops.GetValueOrDefault(reason) + 1;

    private void Evidence(uint validator, ConsensusMessage first, ConsensusMessage second)
    {
        _out.Evidence.Add(new Evidence { Validator = validator, First = first, Second = second });
        Drop(DropReason.Equivocation);
    }

    private static byte[] HashOf(PreparedCertificate? prepared) =>
        prepared is null ? [] : BlockCodec.Parse(prepared.Block.Span).Value?.Hash ?? [];
}
