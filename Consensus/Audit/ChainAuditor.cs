using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Audit;

/// <summary>
/// Replays a chain from genesis, one block at a time, trusting nothing but the genesis: structure, commit
/// certificate, every transaction signature, the Merkle tx root and the rules with their state root, each through
/// the core's own code. Governance changes are followed as the replay computes them (docs/GOVERNANCE.md): each
/// block's certificate is checked against the validators in force at its height and its size against the limits in
/// force there, never against what a header or a node claims. Pure: the caller fetches the blocks. The replay stops at the first block with a problem,
/// because nothing after a broken block can be checked against a state the auditor agrees with. Incremental: blocks
/// may be added as they commit (<c>trustee run</c> follows the chain this way and acts only on <see cref="State"/>).
/// </summary>
public sealed class ChainAuditor
{
    private readonly string _chainId;
    private readonly ValidatorSchedule _schedule;
    private readonly RuleContext _rules;
    private readonly TxDecoder _decoder;
    private readonly MemoryState _state;
    private readonly Action<int, Action<int>> _forEach;

    /// <param name="forEach">
    /// The loop that spreads each block's signature and ballot proof checks (see <see cref="BlockPreparation"/>): the
    /// command-line audit passes Parallel.For; by default they run on the calling thread.
    /// </param>
    public ChainAuditor(Protos.V1.Genesis genesis, Action<int, Action<int>>? forEach = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _forEach = forEach ?? BlockPreparation.Serial;
        _chainId = genesis.ChainId;
        _schedule = new ValidatorSchedule(ValidatorSet.From(genesis));
        _rules = RuleContext.From(genesis);
        // The same per-transaction bound the validators apply when they judge a proposal: genesis's, which a change of
        // parameters can only lower (the block limits below follow such a change).
        _decoder = new TxDecoder(genesis.ChainId, (int)Math.Max(1024, genesis.Params?.MaxBlockBytes ?? 0));
        HeadHash = GenesisHash.Of(genesis);
        _state = new MemoryState(HeadHash);
        HeadTimeUnixMs = genesis.GenesisTimeUnixMs;
    }

    /// <summary>Height of the last block that passed every check; 0 before the first.</summary>
    public ulong Height => _state.Height;

    /// <summary>Hash of the last block that passed; the genesis hash before the first.</summary>
    public byte[] HeadHash { get; private set; }

    /// <summary>Block time of the last block that passed; the genesis time before the first.</summary>
    public long HeadTimeUnixMs { get; private set; }

    public long Transactions { get; private set; }

    /// <summary>Votes replayed, plaintext and encrypted (every encrypted one had its proofs verified by the rules).</summary>
    public long Votes { get; private set; }

    public string ChainId => _chainId;

    /// <summary>The first problem found; once set, no further block is accepted.</summary>
    public string? Failure { get; private set; }

    /// <summary>The replayed state after the last accepted block, for the tally recount.</summary>
    public MemoryState State => _state;

    /// <summary>
    /// The validator sets the replay found, each with the first height it certifies: genesis's from 1, then one per
    /// change an accepted block approved (a change whose activation is still ahead of <see cref="Height"/> included).
    /// </summary>
    public IReadOnlyList<(ulong From, ValidatorSet Set)> ValidatorSets => _schedule.Sets;

    /// <summary>
    /// Checks the next block and, when it passes, applies it. Returns every problem found in this block (empty when
    /// it passed), each starting with the block's height.
    /// </summary>
    public IReadOnlyList<string> Add(ReadOnlySpan<byte> blockBytes)
    {
        if (Failure is not null)
        {
            throw new InvalidOperationException("The audit already failed; later blocks cannot be checked.");
        }

        var height = _state.Height + 1;
        var problems = new List<string>();
        var parsed = BlockCodec.Parse(blockBytes);
        if (!parsed.IsOk)
        {
            problems.Add(parsed.Rejection.Message);
        }
        else
        {
            Check(parsed.Value, height, problems);
        }

        if (problems.Count > 0)
        {
            problems = problems.Select(p => $"block {height}: {p}").ToList();
            Failure = problems[0];
        }

        return problems;
    }

    private void Check(ParsedBlock block, ulong height, List<string> problems)
    {
        // The certificate comes first: against a genesis of other validators it is the problem worth naming. The set is
        // the one in force at this height as this replay computed it, so a block certified by a set that has left
        // (a rotated-out key, a removed validator) fails here even though those keys once certified blocks.
        var validators = _schedule.At(height);
        if (CommitCertificates.Problem(block.Block.Certificate, validators, _chainId, height, block.Hash) is { } certificate)
        {
            var against = ReferenceEquals(validators, _schedule.Genesis) ? "the genesis validators" : $"the validators in force at height {height}";
            problems.Add($"the commit certificate does not verify against {against}: {certificate}");
        }

        // The validators' own checks, limits included: a block they could not have accepted is a problem here too.
        var limits = BlockLimits.At(_state, _rules, height);
        var structure = BlockValidity.StructureProblem(block.Header, _chainId, height, HeadHash, validators.Count)
            ?? BlockValidity.BodyProblem(block, limits)
            ?? BlockValidity.TimeProblem(block.Header.TimeUnixMs, HeadTimeUnixMs, nowMs: null, limits.MaxClockDriftMs);
        if (structure is not null)
        {
            problems.Add(structure);
        }

        if (problems.Count > 0)
        {
            return;
        }

        var prepared = BlockPreparation.Run(block, _state, _rules, _decoder.Decode, _forEach);
        if (BlockReplay.Problem(block, _state, _rules, prepared, out var replayed) is { } content)
        {
            problems.Add(content);
            return;
        }

        Accept(block, replayed!);
    }

    private void Accept(ParsedBlock block, ReplayedBlock replayed)
    {
        // MemoryState keeps no block bytes, so none are serialized for it.
        _state.Apply(replayed.ToWrite(block, []));
        HeadHash = block.Hash;
        HeadTimeUnixMs = block.Header.TimeUnixMs;
        Transactions += replayed.Transactions.Count;
        Votes += replayed.Transactions.Count(t => t.Payload.KindCase
            is TxPayload.KindOneofCase.CastVote or TxPayload.KindOneofCase.CastEncryptedVote);

        // The change the rules computed (the replay refused a header whose change differs from it): later heights are
        // certified by the set it names from its activation on.
        if (replayed.Result.ValidatorChange is { } change)
        {
            _schedule.Add(change);
        }
    }
}
