using VoteChain.Consensus.State;

namespace VoteChain.Consensus.Rules;

/// <summary>What the voting rules need to know about the chain: who the election authorities are, and limits.</summary>
public sealed class RuleContext
{
    /// <summary>Voters per RegisterVoters transaction: keeps one transaction well under the block size.</summary>
    public const int DefaultMaxVotersPerBatch = 5_000;

    /// <summary>
    /// Largest weight of one credential. It does not keep sums in 64 bits by itself (some 18 million voters at this
    /// weight would pass 2^64): registrations that would are refused with TALLY_OVERFLOW.
    /// </summary>
    public const ulong MaxWeight = 1_000_000_000_000;

    private readonly HashSet<byte[]> _authorities;

    public RuleContext(string chainId, IEnumerable<byte[]> authorities, int maxVotersPerBatch = DefaultMaxVotersPerBatch,
        IEnumerable<byte[]>? validatorTrusteeKeys = null)
    {
        ChainId = chainId;
        ValidatorTrusteeKeys = [.. validatorTrusteeKeys ?? []];
        _authorities = new HashSet<byte[]>(authorities, ByteKeyComparer.Instance);
        MaxVotersPerBatch = maxVotersPerBatch;
    }

    public string ChainId { get; }

    public int MaxVotersPerBatch { get; }

    /// <summary>
    /// The genesis validators' trustee keys in validator order (an empty entry where a validator has none): the
    /// trustees of a secret election that names none.
    /// </summary>
    public IReadOnlyList<byte[]> ValidatorTrusteeKeys { get; }

    /// <summary>The largest weight the rules accept: <see cref="MaxWeight"/>, higher only in tests of the 64-bit sums.</summary>
    internal ulong WeightLimit { get; init; } = MaxWeight;

    /// <summary>The genesis validators, in index order: the set in force until the first governance change.</summary>
    public IReadOnlyList<Protos.V1.ValidatorInfo> GenesisValidators { get; init; } = [];

    /// <summary>The genesis consensus parameters: in force until the first governance change of parameters.</summary>
    public Protos.V1.ConsensusParams GenesisParams { get; init; } = new();

    /// <summary>How many election authorities genesis names.</summary>
    public int GenesisAuthorityCount => _authorities.Count;

    /// <summary>True when genesis names the key as an election authority (governance may have changed that since).</summary>
    public bool IsGenesisAuthority(ReadOnlySpan<byte> publicKey) => _authorities.Contains(publicKey.ToArray());

    public static RuleContext From(Protos.V1.Genesis genesis) =>
        new(genesis.ChainId, genesis.Authorities.Select(a => a.ToByteArray()),
            validatorTrusteeKeys: genesis.Validators.Select(v => v.TrusteeKey.ToByteArray()))
        {
            GenesisValidators = [.. genesis.Validators.Select(v => v.Clone())],
            GenesisParams = genesis.Params?.Clone() ?? new Protos.V1.ConsensusParams(),
        };
}
