using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Support;

/// <summary>
/// A chain in memory for rule tests: one genesis authority, deterministic voter keys, and blocks committed
/// through the real decoder, rules and state root.
/// </summary>
internal sealed class TestChain : IDisposable
{
    public const string ChainId = "test-chain";
    public const long Start = 1_800_000_000_000;

    private readonly List<Ed25519KeyPair> _keys = [];

    /// <param name="weightLimit">The largest voter weight: above the default only to reach the 64-bit tally sums.</param>
    /// <param name="validators">Genesis validators (governance tests): keys <see cref="ValidatorKey"/> 0 to n-1.</param>
    public TestChain(ulong weightLimit = RuleContext.MaxWeight, int validators = 0)
    {
        Authority = Key(1_000_000);
        Rules = new RuleContext(ChainId, [Authority.PublicKey], maxVotersPerBatch: 50)
        {
            WeightLimit = weightLimit,
            GenesisValidators = [.. Enumerable.Range(0, validators).Select(ValidatorInfoFor)],
            GenesisParams = new ConsensusParams
            {
                MaxBlockBytes = 4 * 1024 * 1024, MaxBlockTxs = 10_000, ProposeTimeoutMs = 2_000, BlockIntervalMs = 0, MaxClockDriftMs = 5_000,
            },
        };
        State = new MemoryState(Hashing.Sha256("genesis"u8));
        Decoder = new TxDecoder(ChainId);
        Time = Start;
    }

    public Ed25519KeyPair Authority { get; }

    public RuleContext Rules { get; }

    public MemoryState State { get; }

    public TxDecoder Decoder { get; }

    /// <summary>Block time of the next block.</summary>
    public long Time { get; set; }

    /// <summary>A key derived from a number, so a voter's key is the same in every run.</summary>
    public Ed25519KeyPair Key(int number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        BitConverter.TryWriteBytes(seed, number);
        var key = Ed25519KeyPair.FromSeed(seed);
        _keys.Add(key);
        return key;
    }

    /// <summary>The key of validator <paramref name="number"/> (genesis's are 0 to n-1; later ones are free to add).</summary>
    public Ed25519KeyPair ValidatorKey(int number) => Key(2_000_000 + number);

    /// <summary>A validator entry for <see cref="ValidatorKey"/>(number), with its own name and endpoint.</summary>
    public ValidatorInfo ValidatorInfoFor(int number) => new()
    {
        Name = $"validator{number}",
        PublicKey = ByteString.CopyFrom(ValidatorKey(number).PublicKey),
        Endpoint = $"http://127.0.0.1:{7100 + number}",
    };

    public VerifiedTx Propose(ISigner validator, GovernanceProposal proposal) =>
        Signed(validator, new TxPayload { GovernanceProposal = proposal });

    public VerifiedTx Approve(ISigner validator, byte[] proposalId) =>
        Signed(validator, new TxPayload { GovernanceApproval = new GovernanceApproval { ProposalId = ByteString.CopyFrom(proposalId) } });

    /// <summary>The result of executing a block without committing it (to read what its header must carry).</summary>
    public Outcome<BlockResult> Execute(params VerifiedTx[] transactions) =>
        BlockExecutor.Execute(State, Rules, new BlockContext(State.Height + 1, Time), transactions);

    public VerifiedTx Signed(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        var outcome = Decoder.Decode(TxSigning.Sign(signer, payload));
        Assert.That(outcome.IsOk, Is.True, () => $"test transaction did not decode: {outcome.Rejection}");
        return outcome.Value!;
    }

    public VerifiedTx CreateElection(string id, int options = 3, bool allowRevote = false, long? opensAt = null, long? closesAt = null,
        bool allowDelegation = false)
    {
        var create = new CreateElection
        {
            ElectionId = id,
            Title = $"Election {id}",
            OpensAtUnixMs = opensAt ?? Start,
            ClosesAtUnixMs = closesAt ?? Start + 3_600_000,
            AllowRevote = allowRevote,
            AllowDelegation = allowDelegation,
        };
        create.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        return Signed(Authority, new TxPayload { CreateElection = create });
    }

    public VerifiedTx Register(string id, params (ISigner Voter, ulong Weight)[] voters) =>
        RegisterKeys(id, voters.Select(v => (v.Voter.PublicKey, v.Weight)));

    public VerifiedTx RegisterKeys(string id, IEnumerable<(byte[] Key, ulong Weight)> voters, ISigner? signer = null)
    {
        var register = new RegisterVoters { ElectionId = id };
        register.Voters.AddRange(voters.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.Key), Weight = v.Weight }));
        return Signed(signer ?? Authority, new TxPayload { RegisterVoters = register });
    }

    public VerifiedTx Revoke(string id, ISigner voter, ISigner? replacement = null, ISigner? signer = null) =>
        Signed(signer ?? Authority, new TxPayload
        {
            RevokeCredential = new RevokeCredential
            {
                ElectionId = id,
                Credential = ByteString.CopyFrom(voter.PublicKey),
                Replacement = replacement is null ? ByteString.Empty : ByteString.CopyFrom(replacement.PublicKey),
            },
        });

    public VerifiedTx Vote(string id, ISigner voter, uint option, ulong sequence = 1) =>
        Signed(voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = option, Sequence = sequence } });

    /// <summary>The holder appoints <paramref name="proxy"/> (null: withdraws its appointment).</summary>
    public VerifiedTx Delegate(string id, ISigner holder, ISigner? proxy, ulong sequence) =>
        DelegateTo(id, holder, proxy?.PublicKey ?? [], sequence);

    public VerifiedTx DelegateTo(string id, ISigner holder, byte[] proxy, ulong sequence) =>
        Signed(holder, new TxPayload { Delegation = new Delegation { ElectionId = id, Proxy = ByteString.CopyFrom(proxy), Sequence = sequence } });

    /// <summary>Executes and commits a block; returns the rejection when the block is invalid (nothing changes).</summary>
    public Rejection? Commit(params VerifiedTx[] transactions)
    {
        var height = State.Height + 1;
        var outcome = BlockExecutor.Execute(State, Rules, new BlockContext(height, Time), transactions);
        if (!outcome.IsOk)
        {
            return outcome.Rejection;
        }

        State.Apply(new BlockWrite(height, Hashing.Sha256(BitConverter.GetBytes(height)), [],
            transactions.Select(t => t.Id).ToList(), outcome.Value.Changes, outcome.Value.StateRoot, outcome.Value.Tree));
        Time += 1_000;
        return null;
    }

    /// <summary>Commits a block that must be valid.</summary>
    public void CommitOk(params VerifiedTx[] transactions)
    {
        var rejection = Commit(transactions);
        Assert.That(rejection, Is.Null, () => $"block was refused: {rejection}");
    }

    public TallyRecord Tally(string id) => State.GetTally(id) ?? throw new AssertionException($"no tally for {id}");

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
