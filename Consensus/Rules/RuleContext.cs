using VoteChain.Consensus.State;

namespace VoteChain.Consensus.Rules;

/// <summary>What the voting rules need to know about the chain: who the election authorities are, and limits.</summary>
public sealed class RuleContext
{
    /// <summary>Voters per RegisterVoters transaction: keeps one transaction well under the block size.</summary>
    public const int DefaultMaxVotersPerBatch = 5_000;

    /// <summary>Largest weight of one credential; with it no tally sum can overflow 64 bits.</summary>
    public const ulong MaxWeight = 1_000_000_000_000;

    private readonly HashSet<byte[]> _authorities;

    public RuleContext(string chainId, IEnumerable<byte[]> authorities, int maxVotersPerBatch = DefaultMaxVotersPerBatch)
    {
        ChainId = chainId;
        _authorities = new HashSet<byte[]>(authorities, ByteKeyComparer.Instance);
        MaxVotersPerBatch = maxVotersPerBatch;
    }

    public string ChainId { get; }

    public int MaxVotersPerBatch { get; }

    public bool IsAuthority(byte[] publicKey) => _authorities.Contains(publicKey);

    public static RuleContext From(Protos.V1.Genesis genesis) =>
        new(genesis.ChainId, genesis.Authorities.Select(a => a.ToByteArray()));
}
