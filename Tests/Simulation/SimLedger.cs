using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;

namespace VoteChain.Simulation;

/// <summary>
/// A simulated node's finalized blocks, and the stand-in for the voting rules: a block is valid when no transaction
/// is marked invalid and its time passes the core's time check (<see cref="BlockValidity.TimeProblem"/>). Bodies
/// against headers and limits are the engine's own check, with real transaction bytes and real tx roots.
/// </summary>
internal sealed class SimLedger : IProposalValidator
{
    public const string InvalidMarker = "INVALID";

    /// <summary>The simulated chain's limits: small blocks, and the product's default clock drift.</summary>
    public static readonly BlockLimits Limits = new(MaxTxs: 64, MaxBytes: 64 * 1024, MaxClockDriftMs: 5_000);

    private readonly Func<long> _nowMs;
    private readonly SimGovernance _governance;
    private readonly List<FinalizedBlock> _blocks = [];

    public SimLedger(byte[] genesisHash, Func<long> nowMs, SimGovernance governance)
    {
        GenesisHash = genesisHash;
        _nowMs = nowMs;
        _governance = governance;
    }

    public byte[] GenesisHash { get; }

    public IReadOnlyList<FinalizedBlock> Blocks => _blocks;

    public ulong Height => (ulong)_blocks.Count;

    public byte[] HeadHash => _blocks.Count == 0 ? GenesisHash : _blocks[^1].Block.Hash;

    public long HeadTime => _blocks.Count == 0 ? 0 : _blocks[^1].Block.Header.TimeUnixMs;

    public void Append(FinalizedBlock block) => _blocks.Add(block);

    /// <summary>Keeps only the first <paramref name="height"/> blocks: a node restarted from an older copy of its data.</summary>
    public void TruncateTo(ulong height) => _blocks.RemoveRange((int)height, _blocks.Count - (int)height);

    public string? Problem(ParsedBlock block, ProposalCheck check) =>
        RulesProblem(block) ?? _governance.Problem(block) ?? BlockValidity.TimeProblem(block.Header.TimeUnixMs, HeadTime,
            check == ProposalCheck.Fresh ? _nowMs() : null, Limits.MaxClockDriftMs);

    /// <summary>The rules stand-in: no transaction may carry the invalid marker.</summary>
    public static string? RulesProblem(ParsedBlock block) =>
        block.Block.Transactions.Any(t => t.Span.StartsWith(InvalidMarkerBytes)) ? "a transaction breaks the rules" : null;

    private static ReadOnlySpan<byte> InvalidMarkerBytes => "INVALID"u8;

    public static ParsedBlock Build(string chainId, ProposalRequest request, long timeMs, IReadOnlyList<byte[]> transactions,
        Protos.V1.ValidatorChange? change = null) =>
        BlockCodec.Build(chainId, request.Height, request.PreviousHash, timeMs, request.Proposer, transactions,
            transactions.Select(t => Hashing.Sha256(t)).ToList(), new byte[Hashing.HashSize], change);
}
