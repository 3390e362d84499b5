using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Simulation;

/// <summary>
/// Runs N engines on one thread over a <see cref="VirtualNetwork"/>, acting as each node's driver: it persists
/// sign-state before messages leave, appends committed blocks, builds proposals and serves block fetches. Safety
/// is checked after every step; the run stops at the first violation.
/// </summary>
public sealed class Simulation
{
    public const string ChainId = "sim-chain";
    public const long TickMs = 100;

    private readonly Random _random;
    private readonly VirtualNetwork _network;
    private readonly ByzantineMutator _mutator;
    private readonly SafetyChecker _checker;
    private readonly List<SimNode> _nodes = [];
    private readonly PbftConfig _config;
    /// <summary>
    /// Work a step asks for that is done after the step, not inside it (fetches, the nudge after a finalized block):
    /// nesting them would grow the stack with every block, and a lone validator finalizes one block per nudge.
    /// </summary>
    private readonly Queue<Action> _afterStep = new();
    private long _txCounter;

    /// <param name="spares">Nodes beyond the genesis validators, following from the start: a planned change may add them.</param>
    /// <param name="changes">Membership changes governance approves during the run (see <see cref="SimGovernance"/>).</param>
    public Simulation(int seed, int validators, Func<PbftConfig, PbftConfig>? configure = null, bool busy = true, int spares = 0,
        IReadOnlyList<PlannedChange>? changes = null)
    {
        Seed = seed;
        Busy = busy;
        _random = new Random(seed);
        _network = new VirtualNetwork(_random);
        var keys = Enumerable.Range(0, validators + spares).Select(i => Ed25519KeyPair.FromSeed(SeedFor(i))).ToList();
        var nextKeys = Enumerable.Range(0, validators + spares).Select(i => Ed25519KeyPair.FromSeed(SeedFor(1_000 + i))).ToList();
        var set = new ValidatorSet(keys.Take(validators).Select(k => k.PublicKey));
        Governance = new SimGovernance([.. keys.Take(validators).Select(k => k.PublicKey)], changes ?? [],
            node => (keys[node].PublicKey, nextKeys[node].PublicKey));
        _config = new PbftConfig(ChainId, set, SimLedger.Limits) { ViewTimeoutTicks = 10, RebroadcastTicks = 8 };
        _config = configure?.Invoke(_config) ?? _config;
        _checker = new SafetyChecker(ChainId, set, Governance);
        _mutator = new ByzantineMutator(ChainId, _random, _checker.Schedule.At);
        var genesisHash = Hashing.Sha256("sim-genesis"u8);
        for (var i = 0; i < keys.Count; i++)
        {
            var node = new SimNode(_nodes.Count, keys[i], nextKeys[i], new SimLedger(genesisHash, () => Now * TickMs, Governance));
            _nodes.Add(node);
            StartEngine(node);
        }
    }

    internal SimGovernance Governance { get; }

    /// <summary>The sets in force by height, as the committed blocks announced them.</summary>
    public ValidatorSchedule Schedule => _checker.Schedule;

    public int Seed { get; }

    public long Now { get; private set; }

    public Trace Trace { get; } = new();

    public IReadOnlyList<string> Violations => _checker.Violations;

    public ValidatorSet Validators => _config.Validators;

    public long EvidenceCount { get; private set; }

    /// <summary>Fetched blocks that engines refused (a lying sync node's junk, say).</summary>
    public long RefusedFetches { get; private set; }

    /// <summary>
    /// How often simulated block sync asks reachable peers for their heights, as the node's BlockSyncer does (every
    /// 0.5 s) whatever its engine saw: an engine that cannot verify later heights' messages (it has not yet seen the
    /// change of set they are signed under) would otherwise never learn that it is behind.
    /// </summary>
    public const long SyncPollTicks = 20;

    /// <summary>How long simulated block sync leaves a peer alone after it served a bad block or nothing.</summary>
    public const long DemotionTicks = 100;

    /// <summary>Whether every node has transactions waiting (the default: a busy chain).</summary>
    public bool Busy { get; private set; }

    internal IReadOnlyList<SimNode> Nodes => _nodes;

    internal VirtualNetwork Network => _network;

    /// <summary>Called with every message an up node emits, before the network sees it.</summary>
    internal Action<SimNode, ConsensusMessage>? OnEmit { get; set; }

    public ulong HeightOf(int node) => _nodes[node].Ledger.Height;

    public PbftEngine Engine(int node) => _nodes[node].Engine;

    public IEnumerable<int> Honest => _nodes.Where(n => n.Honest).Select(n => n.Index);

    public void Crash(int node)
    {
        _nodes[node].Up = false;
        Trace.Add(Now, $"node {node} crashes at height {_nodes[node].Ledger.Height + 1}");
    }

    /// <summary>Restarts a node from its ledger (optionally an older copy of it) and its persisted sign-state.</summary>
    public void Restart(int node, ulong? ledgerHeight = null)
    {
        var sim = _nodes[node];
        if (ledgerHeight is { } height)
        {
            sim.Ledger.TruncateTo(height);
        }

        sim.Up = true;
        StartEngine(sim);
        Trace.Add(Now, $"node {node} restarts at height {sim.Ledger.Height + 1} with sign-state {Describe(sim.Persisted)}");
    }

    public void MakeByzantine(int node, Byzantine behavior)
    {
        _nodes[node].Behavior = behavior;
        Trace.Add(Now, $"node {node} turns {behavior}");
    }

    public void Partition(int[] groups)
    {
        _network.Partition(groups);
        Trace.Add(Now, $"partition {string.Join(",", groups)}");
    }

    public void Heal()
    {
        _network.Heal();
        Trace.Add(Now, "network heals");
    }

    /// <summary>Tells every node whether transactions are waiting.</summary>
    public void SetBusy(bool busy)
    {
        Busy = busy;
        foreach (var node in _nodes)
        {
            Feed(node, new WorkPending(busy));
        }
    }

    /// <summary>Injects a message as if it arrived from the network.</summary>
    public void Deliver(int node, ConsensusMessage message) => Feed(_nodes[node], new MessageReceived(message));

    /// <summary>Advances virtual time by one tick: deliveries first, then every up node's timer.</summary>
    public void Tick()
    {
        Now++;
        foreach (var message in _network.Due(Now))
        {
            var to = _nodes[message.To];
            if (to.Up)
            {
                if (message.Message.KindCase == ConsensusMessage.KindOneofCase.PhaseVote && message.Message.PhaseVote.Height + 2 <= to.Ledger.Height + 1)
                {
                    to.History.Add(message.Message);
                }

                Feed(to, new MessageReceived(message.Message));
                if (!to.Honest && _mutator.ReactToProposal(to, message.Message) is { } reaction)
                {
                    Broadcast(to, reaction, mutate: false);
                }
            }
        }

        foreach (var node in _nodes.Where(n => n.Up))
        {
            Feed(node, Consensus.Pbft.Tick.Instance);
        }

        if (Now % SyncPollTicks == 0)
        {
            PollHeights();
        }

        // Bounded per tick: what the queued work queues in turn waits for the next tick.
        for (var pending = _afterStep.Count; pending > 0 && _afterStep.TryDequeue(out var work); pending--)
        {
            work();
        }
    }

    /// <summary>Ticks until the condition holds or a violation occurs; false when the deadline passed first.</summary>
    public bool RunUntil(Func<bool> condition, long maxTicks)
    {
        var deadline = Now + maxTicks;
        while (!condition())
        {
            if (Now >= deadline || Violations.Count > 0)
            {
                return false;
            }

            Tick();
        }

        return true;
    }

    public string Report() =>
        $"seed {Seed}: {string.Join("; ", Violations)}{Environment.NewLine}replay: --seed {Seed}{Environment.NewLine}{Trace}";

    private void StartEngine(SimNode node)
    {
        // A node restarts knowing the sets its blocks announced, as a real node reads them from its store.
        var config = _config with { Schedule = SimGovernance.ScheduleFrom(_config.Validators, node.Ledger.Blocks) };
        node.Engine = new PbftEngine(config, node.Ledger, node.Keys, node.Ledger.Height, node.Ledger.HeadHash, node.Persisted);
        Feed(node, new WorkPending(Busy));
    }

    private void Feed(SimNode node, IEngineInput input)
    {
        if (!node.Up)
        {
            return;
        }

        var view = (node.Engine.Height, node.Engine.View, node.Engine.ViewChanging);
        var output = node.Engine.Step(input);
        if ((node.Engine.Height, node.Engine.View, node.Engine.ViewChanging) != view && node.Engine.Height == view.Height)
        {
            Trace.Add(Now, $"node {node.Index} {(node.Engine.ViewChanging ? "asks for" : "enters")} view {node.Engine.View} at height {node.Engine.Height}");
        }

        if (output.IsEmpty)
        {
            return;
        }

        // The driver's order: persist the sign-state before anything signed leaves.
        if (output.Persist is not null)
        {
            node.Persisted = output.Persist.Clone();
        }

        foreach (var block in output.Finalized)
        {
            var parentTime = node.Ledger.HeadTime;
            node.Ledger.Append(block);
            _checker.OnCommit(node, block, parentTime);
            Trace.Add(Now, $"node {node.Index} commits height {block.Height} view {block.Certificate.View}");
        }

        EvidenceCount += output.Evidence.Count;
        foreach (var message in output.Messages)
        {
            _checker.OnSigned(node, message, Now * TickMs);
            OnEmit?.Invoke(node, message);
            Broadcast(node, message);
        }

        foreach (var refused in output.RefusedBlocks)
        {
            // What a node's block sync does with a peer that served a bad block: leave it alone for a while.
            var source = int.Parse(refused.Source!, System.Globalization.CultureInfo.InvariantCulture);
            node.DemotedUntil[source] = Now + DemotionTicks;
            RefusedFetches++;
            Trace.Add(Now, $"node {node.Index} refuses block {refused.Height} from node {source}: {refused.Problem}");
        }

        if (output.Finalized.Count > 0)
        {
            _afterStep.Enqueue(() => Feed(node, new WorkPending(Busy)));
        }

        if (output.Propose is { } request)
        {
            Feed(node, new ProposalBuilt(request.Height, request.View, BuildBlock(node, request)));
        }

        if (output.FetchFrom is { } from)
        {
            // Served after this step, not inside it: fetched blocks lead to more steps, and nesting them all would
            // grow the stack with every block a node catches up on.
            _afterStep.Enqueue(() => ServeFetch(node, from));
        }
    }

    private void Broadcast(SimNode node, ConsensusMessage message, bool mutate = true)
    {
        if (!node.Up)
        {
            return;
        }

        var recipients = _nodes.Where(n => n.Index != node.Index).Select(n => n.Index).ToList();
        var sends = node.Honest || !mutate ? recipients.Select(to => (to, message)) : _mutator.Mutate(node, message, recipients);
        foreach (var (to, sent) in sends)
        {
            _network.Send(Now, node.Index, to, sent);
        }
    }

    private byte[] BuildBlock(SimNode node, ProposalRequest request)
    {
        var count = Busy ? 1 + _random.Next(4) : 0;
        var transactions = Enumerable.Range(0, count).Select(_ => System.Text.Encoding.UTF8.GetBytes($"tx-{++_txCounter}")).ToList();
        if (node.Behavior == Byzantine.InvalidBlocks)
        {
            transactions.Add(System.Text.Encoding.UTF8.GetBytes($"{SimLedger.InvalidMarker}-{_txCounter}"));
        }

        var time = Math.Max(Now * TickMs, node.Ledger.HeadTime + 1);
        if (node.Behavior == Byzantine.TimeSkew)
        {
            // Backdated to just after the parent where that is beyond the drift (to reopen a closed window), else far
            // ahead (to close one early): every proposal of the liar is skewed one way or the other.
            var backdated = node.Ledger.HeadTime + 1;
            time = (Now * TickMs) - backdated > SimLedger.Limits.MaxClockDriftMs ? backdated : (Now * TickMs) + (10 * SimLedger.Limits.MaxClockDriftMs);
        }

        Trace.Add(Now, $"node {node.Index} proposes height {request.Height} view {request.View}");
        return Consensus.Chain.BlockCodec.WithoutCertificate(
            SimLedger.Build(ChainId, request, time, transactions, Governance.ChangeFor(request.Height)).Block);
    }

    /// <summary>
    /// Block sync: reachable peers in good standing are asked in turn, and a peer that claims a huge head (a lying
    /// sync node) first, as a node asking by reported height would. Each hands over up to ten blocks, certificates
    /// included. One that serves nothing for a height it claims, or a block the engine refuses, is set aside.
    /// </summary>
    private void ServeFetch(SimNode node, ulong from)
    {
        var reachable = _nodes.Where(p => p.Up && p.Index != node.Index && _network.Connected(p.Index, node.Index)
            && node.DemotedUntil.GetValueOrDefault(p.Index) <= Now).ToList();
        var liars = reachable.Where(p => p.Behavior == Byzantine.LyingSync).ToList();
        var others = reachable.Where(p => p.Behavior != Byzantine.LyingSync && p.Ledger.Height >= from).OrderBy(_ => _random.Next());
        foreach (var peer in liars.Concat(others).ToList())
        {
            if (!node.Up || node.Ledger.Height >= from)
            {
                return;
            }

            var served = Served(peer, from);
            Trace.Add(Now, $"node {node.Index} fetches from height {from}: node {peer.Index} serves {served.Count} blocks");
            if (served.Count == 0)
            {
                node.DemotedUntil[peer.Index] = Now + DemotionTicks;
                continue;
            }

            foreach (var block in served)
            {
                Feed(node, new BlockFetched(block, peer.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>Every up node that a reachable peer in good standing is ahead of fetches from its next height.</summary>
    private void PollHeights()
    {
        foreach (var node in _nodes.Where(n => n.Up))
        {
            var ahead = _nodes.Any(p => p.Up && p.Index != node.Index && _network.Connected(p.Index, node.Index)
                && node.DemotedUntil.GetValueOrDefault(p.Index) <= Now && p.Ledger.Height > node.Ledger.Height);
            if (ahead)
            {
                var from = node.Ledger.Height + 1;
                _afterStep.Enqueue(() => ServeFetch(node, from));
            }
        }
    }

    /// <summary>What a peer hands over: its real blocks, or, from a lying sync node, junk bodies under real certificates.</summary>
    private static List<byte[]> Served(SimNode peer, ulong from)
    {
        var last = Math.Min(peer.Ledger.Height, from + 9);
        var blocks = new List<byte[]>();
        for (var height = from; height <= last; height++)
        {
            var bytes = peer.Ledger.Blocks[(int)height - 1].BlockBytes;
            blocks.Add(peer.Behavior == Byzantine.LyingSync ? ByzantineMutator.SwappedBody(Google.Protobuf.ByteString.CopyFrom(bytes)).ToByteArray() : bytes);
        }

        return blocks;
    }

    private static byte[] SeedFor(int index)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        BitConverter.TryWriteBytes(seed, index + 1);
        seed[31] = 0x5A;
        return seed;
    }

    private static string Describe(SignState? state) =>
        state is null ? "none" : $"(h{state.Height} v{state.View} {(SignStep)state.Step})";
}
