using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// What the driver must do after one step, in this order: persist <see cref="Persist"/> (synced) before any of
/// <see cref="Messages"/> leaves; store <see cref="Finalized"/> blocks; then serve the requests.
/// </summary>
public sealed class StepOutput
{
    public SignState? Persist { get; internal set; }

    public List<ConsensusMessage> Messages { get; } = [];

    public List<FinalizedBlock> Finalized { get; } = [];

    public List<Evidence> Evidence { get; } = [];

    /// <summary>Fetched blocks the engine refused: the peer that served them is to blame.</summary>
    public List<RefusedBlock> RefusedBlocks { get; } = [];

    /// <summary>Build a block for this (height, view) and feed it back as <see cref="ProposalBuilt"/>.</summary>
    public ProposalRequest? Propose { get; internal set; }

    /// <summary>Fetch committed blocks from this height on and feed them back as <see cref="BlockFetched"/>.</summary>
    public ulong? FetchFrom { get; internal set; }

    public bool IsEmpty => Persist is null && Messages.Count == 0 && Finalized.Count == 0 && Evidence.Count == 0 && RefusedBlocks.Count == 0
        && Propose is null && FetchFrom is null;
}

/// <summary>A block from sync that failed a check, the peer that served it, and why.</summary>
public sealed record RefusedBlock(string? Source, ulong Height, string Problem);
