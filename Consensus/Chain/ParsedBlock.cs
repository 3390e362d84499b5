using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Chain;

/// <summary>A block whose bytes parsed, with its header and its hash (SHA-256 of the header bytes as received).</summary>
public sealed record ParsedBlock(Block Block, BlockHeader Header, byte[] Hash)
{
    public ulong Height => Header.Height;
}
