using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// Builds a certified chain as the validators would (BlockCodec, BlockExecutor, commit certificates signed by
/// the single genesis validator), with hooks to break one thing in a block for the audit tests.
/// </summary>
internal sealed class AuditChainBuilder : IDisposable
{
    public const string ChainId = "audit-chain";
    private const long Start = 1_800_000_000_000;

    private readonly MemoryState _state;
    private readonly TxDecoder _decoder = new(ChainId);
    private readonly RuleContext _rules;
    private byte[] _head;

    public AuditChainBuilder()
    {
        Genesis = new Protos.V1.Genesis { ChainId = ChainId, GenesisTimeUnixMs = Start - 1_000, Params = new ConsensusParams { MaxBlockBytes = 1 << 20, MaxBlockTxs = 10_000, MaxClockDriftMs = 5_000 } };
        Genesis.Validators.Add(new ValidatorInfo { Name = "v0", PublicKey = ByteString.CopyFrom(Validator.PublicKey), Endpoint = "http://127.0.0.1:1" });
        Genesis.Authorities.Add(ByteString.CopyFrom(Authority.PublicKey));
        _rules = RuleContext.From(Genesis);
        _head = GenesisHash.Of(Genesis);
        _state = new MemoryState(_head);
    }

    public Ed25519KeyPair Validator { get; } = Key(1);

    public Ed25519KeyPair Authority { get; } = Key(2);

    public Protos.V1.Genesis Genesis { get; }

    /// <summary>Block time of the next block; tests may move it forward (to a closing time, say).</summary>
    public long Time { get; set; } = Start;

    /// <summary>The builder's own state after the last valid block, for planning the next transactions.</summary>
    public MemoryState State => _state;

    public static Ed25519KeyPair Key(byte number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        seed[0] = number;
        return Ed25519KeyPair.FromSeed(seed);
    }

    public byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return TxSigning.Sign(signer, payload);
    }

    public byte[] CreateElection(string id, bool allowRevote = false)
    {
        var create = new CreateElection { ElectionId = id, Title = id, OpensAtUnixMs = Start, ClosesAtUnixMs = Start + 3_600_000, AllowRevote = allowRevote };
        create.Options.AddRange(["yes", "no"]);
        return Sign(Authority, new TxPayload { CreateElection = create });
    }

    public byte[] Register(string id, params ISigner[] voters)
    {
        var register = new RegisterVoters { ElectionId = id };
        register.Voters.AddRange(voters.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.PublicKey), Weight = 2 }));
        return Sign(Authority, new TxPayload { RegisterVoters = register });
    }

    public byte[] Vote(string id, ISigner voter, uint option, ulong sequence = 1) =>
        Sign(voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = option, Sequence = sequence } });

    /// <summary>
    /// The next certified block over these transactions, serialized. A tampered block (any hook given) does not
    /// advance the builder's chain.
    /// </summary>
    public byte[] Block(IReadOnlyList<byte[]> envelopes, Action<BlockHeader>? tamperHeader = null,
        Action<Block>? tamperBody = null, ISigner? certifier = null)
    {
        var height = _state.Height + 1;
        var transactions = envelopes.Select(e => _decoder.Decode(e).Value ?? throw new AssertionException("test transaction did not decode")).ToList();
        var result = BlockExecutor.Execute(_state, _rules, new BlockContext(height, Time), transactions);
        Assert.That(result.IsOk, Is.True, () => $"test block breaks a rule: {result.Rejection}");
        var ids = transactions.Select(t => t.Id).ToList();
        var block = BlockCodec.Build(ChainId, height, _head, Time, 0, envelopes, ids, result.Value!.StateRoot).Block;
        if (tamperHeader is not null)
        {
            var header = BlockHeader.Parser.ParseFrom(block.Header);
            tamperHeader(header);
            block.Header = header.ToByteString();
        }

        tamperBody?.Invoke(block);
        var hash = Hashing.Sha256(block.Header.Span);
        var signature = (certifier ?? Validator).Sign(MessageSigning.Bytes(SignStep.Commit, ChainId, height, 0, hash));
        block.Certificate = CommitCertificates.Build(height, 0, hash, [new KeyValuePair<uint, byte[]>(0, signature)]);
        if (tamperHeader is null && tamperBody is null && certifier is null)
        {
            _state.Apply(new BlockWrite(height, hash, [], ids, result.Value.Changes, result.Value.StateRoot));
            _head = hash;
            Time += 1_000;
        }

        return block.ToByteArray();
    }

    public void Dispose()
    {
        Validator.Dispose();
        Authority.Dispose();
    }
}
