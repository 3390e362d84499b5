using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Chain;

/// <summary>Read access to the committed chain, declared by the core and implemented by Storage.</summary>
public interface IChainReader
{
    /// <summary>Height of the last committed block; 0 while only genesis exists.</summary>
    ulong Height { get; }

    /// <summary>Hash of the last committed block; the genesis hash while only genesis exists.</summary>
    byte[] HeadHash { get; }

    /// <summary>The serialized <see cref="Block"/> at this height, or null.</summary>
    byte[]? GetBlockBytes(ulong height);

    /// <summary>The serialized <see cref="Block"/> with this hash, or null.</summary>
    byte[]? GetBlockBytes(ReadOnlySpan<byte> blockHash);

    /// <summary>Where a committed transaction sits, or null when no committed block holds it.</summary>
    TxLocation? GetTxLocation(ReadOnlySpan<byte> txId);
}
