namespace VoteChain.Consensus.Merkle;

/// <summary>An inclusion proof: the leaf's index, the tree size and the sibling hashes from the leaf up.</summary>
public sealed record MerkleProof(ulong Index, ulong TreeSize, IReadOnlyList<byte[]> Path);
