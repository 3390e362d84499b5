using Google.Protobuf;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Genesis;

/// <summary>The genesis hash: SHA-256 of the protobuf binary form of the genesis message.</summary>
public static class GenesisHash
{
    public static byte[] Of(Protos.V1.Genesis genesis) => Hashing.Sha256(genesis.ToByteArray());
}
