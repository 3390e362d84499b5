using VoteChain.Consensus.Chain;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>A block the validators committed, with the certificate that proves it.</summary>
public sealed record FinalizedBlock(ParsedBlock Block, CommitCertificate Certificate, byte[] BlockBytes)
{
    public ulong Height => Block.Height;
}
