using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>Everything that can happen to an engine. The engine reacts only to these.</summary>
public interface IEngineInput;

/// <summary>One unit of time has passed.</summary>
public sealed record Tick : IEngineInput
{
    public static readonly Tick Instance = new();
}

/// <summary>A consensus message arrived from the network (untrusted).</summary>
public sealed record MessageReceived(ConsensusMessage Message) : IEngineInput
{
    /// <summary>
    /// When the node received it, by its own clock (0: not stamped). The engine never reads it; the driver judges a
    /// proposal's block time against it rather than against the moment a busy node gets round to the proposal.
    /// </summary>
    public long ReceivedAtUnixMs { get; init; }
}

/// <summary>The driver built the block the engine asked for (serialized, without certificate).</summary>
public sealed record ProposalBuilt(ulong Height, ulong View, byte[] Block) : IEngineInput;

/// <summary>
/// Block sync fetched a block with its certificate, untrusted until its certificate, body and content pass.
/// <paramref name="Source"/> names the peer it came from, so a refusal can be blamed on it.
/// </summary>
public sealed record BlockFetched(byte[] Block, string? Source = null) : IEngineInput;

/// <summary>Whether transactions are waiting: with none (and no block interval), an idle chain does not grow.</summary>
public sealed record WorkPending(bool HasTransactions) : IEngineInput;
