using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing;

/// <summary>
/// The fixed world every target runs in: four validators, one election authority and a few voters, all with keys
/// from fixed seeds, so that seeds signed once (the corpus) keep verifying on every run and the fuzzer can reach
/// past the signature checks by keeping them intact.
/// </summary>
internal static class FuzzFixture
{
    public const string ChainId = "fuzz-chain";
    public const long GenesisTimeUnixMs = 1_800_000_000_000;
    public const long FirstBlockTimeUnixMs = GenesisTimeUnixMs + 1_000;
    public const int ValidatorCount = 4;
    public const string ElectionId = "fuzz-election";

    public static readonly Ed25519KeyPair[] Validators = [.. Enumerable.Range(1, ValidatorCount).Select(i => Key((byte)i))];

    public static readonly Ed25519KeyPair Authority = Key(10);

    public static readonly Ed25519KeyPair[] Voters = [Key(20), Key(21), Key(22)];

    public static readonly Protos.V1.Genesis Genesis = CreateGenesis();

    public static readonly byte[] GenesisHashBytes = GenesisHash.Of(Genesis);

    public static readonly ValidatorSet ValidatorSet = ValidatorSet.From(Genesis);

    /// <summary>The fixture's key pair for a public key (authority, voter or validator), or null for any other key.</summary>
    public static Ed25519KeyPair? Signer(ReadOnlySpan<byte> publicKey)
    {
        foreach (var key in Validators.Append(Authority).Concat(Voters))
        {
            if (key.PublicKey.AsSpan().SequenceEqual(publicKey))
            {
                return key;
            }
        }

        return null;
    }

    public static Ed25519KeyPair Key(byte number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        seed[0] = number;
        seed[31] = 0xF0;
        return Ed25519KeyPair.FromSeed(seed);
    }

    private static Protos.V1.Genesis CreateGenesis()
    {
        var genesis = new Protos.V1.Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = GenesisTimeUnixMs,
            Params = new ConsensusParams
            {
                MaxBlockBytes = 1 << 20,
                MaxBlockTxs = 1_000,
                ProposeTimeoutMs = 2_000,
                BlockIntervalMs = 0,
                MaxClockDriftMs = 5_000,
            },
        };
        for (var i = 0; i < ValidatorCount; i++)
        {
            genesis.Validators.Add(new ValidatorInfo
            {
                Name = $"validator{i}",
                PublicKey = ByteString.CopyFrom(Validators[i].PublicKey),
                Endpoint = $"http://127.0.0.1:{7100 + i}",
            });
        }

        genesis.Authorities.Add(ByteString.CopyFrom(Authority.PublicKey));
        return genesis;
    }
}
