using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Benchmarks;

/// <summary>An in-memory chain with one open election and registered voters, built through the real rules.</summary>
internal sealed class BenchmarkChain
{
    public const string ChainId = "bench";
    public const string ElectionId = "bench-election";
    public const long Now = 1_800_000_000_000;

    private readonly Ed25519KeyPair _authority = Ed25519KeyPair.FromSeed(new byte[32]);
    private readonly TxDecoder _decoder = new(ChainId);

    public BenchmarkChain(int voterCount)
    {
        Rules = new RuleContext(ChainId, [_authority.PublicKey]);
        State = new MemoryState(Hashing.Sha256("bench-genesis"u8));
        Voters = Enumerable.Range(1, voterCount).Select(VoterKey).ToList();

        var create = new CreateElection
        {
            ElectionId = ElectionId, Title = "Benchmark", OpensAtUnixMs = Now, ClosesAtUnixMs = Now + 86_400_000,
        };
        create.Options.AddRange(["yes", "no", "abstain"]);
        Commit([Decode(_authority, new TxPayload { CreateElection = create })]);
        foreach (var batch in Voters.Chunk(RuleContext.DefaultMaxVotersPerBatch))
        {
            var register = new RegisterVoters { ElectionId = ElectionId };
            register.Voters.AddRange(batch.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.PublicKey), Weight = 1 }));
            Commit([Decode(_authority, new TxPayload { RegisterVoters = register })]);
        }
    }

    public RuleContext Rules { get; }

    public MemoryState State { get; }

    public List<Ed25519KeyPair> Voters { get; }

    public BlockContext NextBlock => new(State.Height + 1, Now + 1_000);

    /// <summary>One signed vote per voter, as envelope bytes.</summary>
    public List<byte[]> SignedVotes() =>
        Voters.Select((v, i) => TxSigning.Sign(v, VotePayload((uint)(i % 3)))).ToList();

    public VerifiedTx Decode(byte[] envelope) => _decoder.Decode(envelope).Value
        ?? throw new InvalidOperationException("benchmark transaction did not decode");

    private VerifiedTx Decode(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return Decode(TxSigning.Sign(signer, payload));
    }

    private static TxPayload VotePayload(uint option) => new()
    {
        ChainId = ChainId,
        CastVote = new CastVote { ElectionId = ElectionId, Option = option, Sequence = 1 },
    };

    private void Commit(IReadOnlyList<VerifiedTx> transactions)
    {
        var block = NextBlock;
        var result = BlockExecutor.Execute(State, Rules, block, transactions);
        if (!result.IsOk)
        {
            throw new InvalidOperationException(result.Rejection.ToString());
        }

        State.Apply(new BlockWrite(block.Height, Hashing.Sha256(BitConverter.GetBytes(block.Height)), [],
            transactions.Select(t => t.Id).ToList(), result.Value.Changes, result.Value.StateRoot, result.Value.Tree));
    }

    private static Ed25519KeyPair VoterKey(int number)
    {
        var seed = new byte[32];
        BitConverter.TryWriteBytes(seed, number);
        seed[31] = 1;
        return Ed25519KeyPair.FromSeed(seed);
    }
}
