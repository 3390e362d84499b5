using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// What a trustee's dealing polynomial is bound to (<see cref="TrusteeKey.DealingPolynomial"/>): the chain, by id and
/// genesis hash, and the election, by id and the id of the transaction that created it. Together they name one
/// election on one chain, so a key named by several elections never deals the same polynomial twice.
/// </summary>
public sealed record DealingContext(string ChainId, byte[] GenesisHash, string ElectionId, byte[] CreatedTx)
{
    public static DealingContext For(string chainId, byte[] genesisHash, ElectionRecord election)
    {
        ArgumentNullException.ThrowIfNull(genesisHash);
        ArgumentNullException.ThrowIfNull(election);
        return new(chainId, genesisHash, election.Definition.ElectionId, election.CreatedTx.ToByteArray());
    }
}
