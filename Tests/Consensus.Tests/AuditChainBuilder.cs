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
/// Builds a certified chain as the validators would (BlockCodec, BlockExecutor, commit certificates signed by every
/// validator in force at the block's height: the single genesis validator unless more are asked for, and after a
/// governance change the set it names), with hooks to break one thing in a block for the audit tests.
/// </summary>
internal sealed class AuditChainBuilder : IDisposable
{
    public const string ChainId = "audit-chain";
    private const long Start = 1_800_000_000_000;

    private readonly MemoryState _state;
    private readonly TxDecoder _decoder = new(ChainId);
    private readonly RuleContext _rules;
    private readonly ValidatorSchedule _schedule;
    private readonly Dictionary<int, Ed25519KeyPair> _validatorKeys = [];
    private byte[] _head;

    /// <param name="validators">Genesis validators: <see cref="ValidatorKey"/> 0 to n-1 (governance tests need 4 or more).</param>
    public AuditChainBuilder(int validators = 1)
    {
        Genesis = new Protos.V1.Genesis { ChainId = ChainId, GenesisTimeUnixMs = Start - 1_000, Params = new ConsensusParams { MaxBlockBytes = 1 << 20, MaxBlockTxs = 10_000, MaxClockDriftMs = 5_000 } };
        Genesis.Validators.AddRange(Enumerable.Range(0, validators).Select(ValidatorInfoFor));
        Genesis.Authorities.Add(ByteString.CopyFrom(Authority.PublicKey));
        _rules = RuleContext.From(Genesis);
        _schedule = new ValidatorSchedule(ValidatorSet.From(Genesis));
        _head = GenesisHash.Of(Genesis);
        _state = new MemoryState(_head);
    }

    /// <summary>Validator 0's key, the only genesis validator unless more were asked for.</summary>
    public Ed25519KeyPair Validator => ValidatorKey(0);

    public Ed25519KeyPair Authority { get; } = Key(2);

    public Protos.V1.Genesis Genesis { get; }

    /// <summary>Block time of the next block; tests may move it forward (to a closing time, say).</summary>
    public long Time { get; set; } = Start;

    /// <summary>The builder's own state after the last valid block, for planning the next transactions.</summary>
    public MemoryState State => _state;

    /// <summary>
    /// The key of validator <paramref name="number"/>: genesis's are 0 to n-1, later ones are free for governance to
    /// add or rotate to. The same key for a number every time, disposed with the builder.
    /// </summary>
    public Ed25519KeyPair ValidatorKey(int number)
    {
        if (!_validatorKeys.TryGetValue(number, out var key))
        {
            key = Key(number == 0 ? (byte)1 : (byte)(200 + number));
            _validatorKeys[number] = key;
        }

        return key;
    }

    /// <summary>A validator entry for <see cref="ValidatorKey"/>(number), with its own name and endpoint.</summary>
    public ValidatorInfo ValidatorInfoFor(int number) => new()
    {
        Name = $"v{number}",
        PublicKey = ByteString.CopyFrom(ValidatorKey(number).PublicKey),
        Endpoint = $"http://127.0.0.1:{1 + number}",
    };

    public byte[] Propose(ISigner validator, GovernanceProposal proposal) =>
        Sign(validator, new TxPayload { GovernanceProposal = proposal });

    public byte[] Approve(ISigner validator, byte[] proposalId) =>
        Sign(validator, new TxPayload { GovernanceApproval = new GovernanceApproval { ProposalId = ByteString.CopyFrom(proposalId) } });

    /// <summary>The validators that certify the block at <paramref name="height"/>, as this builder's chain changed them.</summary>
    public ValidatorSet SetAt(ulong height) => _schedule.At(height);

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
    /// The next certified block over these transactions, serialized, its header carrying the validator change the
    /// block approves. <paramref name="certifiers"/> (validator index and key) replace the set in force as signers. A
    /// tampered or otherwise certified block (any hook or certifier given) does not advance the builder's chain.
    /// </summary>
    public byte[] Block(IReadOnlyList<byte[]> envelopes, Action<BlockHeader>? tamperHeader = null,
        Action<Block>? tamperBody = null, IReadOnlyList<(uint Index, ISigner Signer)>? certifiers = null)
    {
        var height = _state.Height + 1;
        var transactions = envelopes.Select(e => _decoder.Decode(e).Value ?? throw new AssertionException("test transaction did not decode")).ToList();
        var result = BlockExecutor.Execute(_state, _rules, new BlockContext(height, Time), transactions);
        Assert.That(result.IsOk, Is.True, () => $"test block breaks a rule: {result.Rejection}");
        var ids = transactions.Select(t => t.Id).ToList();
        var block = BlockCodec.Build(ChainId, height, _head, Time, 0, envelopes, ids, result.Value!.StateRoot, result.Value.ValidatorChange).Block;
        if (tamperHeader is not null)
        {
            var header = BlockHeader.Parser.ParseFrom(block.Header);
            tamperHeader(header);
            block.Header = header.ToByteString();
        }

        tamperBody?.Invoke(block);
        var hash = Hashing.Sha256(block.Header.Span);
        var message = MessageSigning.Bytes(SignStep.Commit, ChainId, height, 0, hash);
        block.Certificate = CommitCertificates.Build(height, 0, hash, (certifiers ?? InForce(height))
            .Select(c => new KeyValuePair<uint, byte[]>(c.Index, c.Signer.Sign(message))));
        if (tamperHeader is null && tamperBody is null && certifiers is null)
        {
            _state.Apply(new BlockWrite(height, hash, [], ids, result.Value.Changes, result.Value.StateRoot, result.Value.Tree));
            _head = hash;
            Time += 1_000;
            if (result.Value.ValidatorChange is { } change)
            {
                _schedule.Add(change);
            }
        }

        return block.ToByteArray();
    }

    /// <summary>Every validator in force at <paramref name="height"/>, at its index, with its key.</summary>
    public IReadOnlyList<(uint Index, ISigner Signer)> InForce(ulong height)
    {
        var set = _schedule.At(height);
        return [.. Enumerable.Range(0, set.Count).Select(i => ((uint)i, (ISigner)KeyOf(set.PublicKey(i).ToArray())))];
    }

    private Ed25519KeyPair KeyOf(byte[] publicKey) =>
        _validatorKeys.Values.FirstOrDefault(k => k.PublicKey.AsSpan().SequenceEqual(publicKey))
        ?? throw new InvalidOperationException("A validator in force has a key this builder did not make.");

    public void Dispose()
    {
        foreach (var key in _validatorKeys.Values)
        {
            key.Dispose();
        }

        Authority.Dispose();
    }
}
