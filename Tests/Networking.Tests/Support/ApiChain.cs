using VoteChain.Consensus.State.Merkle;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Events;
using VoteChain.Networking.Mempool;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// A real chain on disk for API tests: one election authority, one validator (quorum 1), deterministic voter keys,
/// and blocks built, executed, certified and committed the way the driver does it, then announced to the mempool
/// and to the chain events.
/// </summary>
internal sealed class ApiChain : IDisposable
{
    public const string ChainId = "api-test";
    public const string Election = "budget";
    public const long Start = 1_800_000_000_000;

    public static readonly byte[] GenesisHash = Hashing.Sha256("votechain api test genesis"u8);

    private readonly List<Ed25519KeyPair> _keys = [];
    private readonly TxDecoder _decoder = new(ChainId);

    public ApiChain(string folder)
    {
        Authority = Key(1);
        Validator = Key(2);
        Rules = new RuleContext(ChainId, [Authority.PublicKey]);
        Validators = new ValidatorSet([Validator.PublicKey]);
        Store = ChainStore.Open(folder, ChainId, GenesisHash);
        Events = new ChainEvents(Store.Height);
        Mempool = new MempoolPool(ChainId, Rules, Store, () => new BlockContext(Store.Height + 1, TimeOf(Store.Height + 1)),
            new MempoolLimits());
    }

    public Ed25519KeyPair Authority { get; }

    public Ed25519KeyPair Validator { get; }

    public RuleContext Rules { get; }

    public ValidatorSet Validators { get; }

    public ChainStore Store { get; }

    public ChainEvents Events { get; }

    public MempoolPool Mempool { get; }

    /// <summary>Block time at a height: one second per block from <see cref="Start"/>.</summary>
    public static long TimeOf(ulong height) => Start + ((long)height * 1_000);

    /// <summary>A key derived from a number, the same in every run.</summary>
    public Ed25519KeyPair Key(int number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        BitConverter.TryWriteBytes(seed, number);
        var key = Ed25519KeyPair.FromSeed(seed);
        _keys.Add(key);
        return key;
    }

    public Ed25519KeyPair Voter(int number) => Key(100 + number);

    public static byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return TxSigning.Sign(signer, payload);
    }

    public byte[] CreateElection(string id = Election, int options = 3, bool allowRevote = false, bool allowDelegation = false)
    {
        var create = new CreateElection
        {
            ElectionId = id,
            AllowRevote = allowRevote,
            AllowDelegation = allowDelegation,
            Title = $"Election {id}",
            OpensAtUnixMs = Start,
            ClosesAtUnixMs = Start + 3_600_000,
        };
        create.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        return Sign(Authority, new TxPayload { CreateElection = create });
    }

    public byte[] Register(string id, params ISigner[] voters)
    {
        var register = new RegisterVoters { ElectionId = id };
        register.Voters.AddRange(voters.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.PublicKey), Weight = 1 }));
        return Sign(Authority, new TxPayload { RegisterVoters = register });
    }

    public byte[] Revoke(string id, ISigner voter) =>
        Sign(Authority, new TxPayload
        {
            RevokeCredential = new RevokeCredential { ElectionId = id, Credential = ByteString.CopyFrom(voter.PublicKey) },
        });

    public static byte[] Vote(string id, ISigner voter, uint option, ulong sequence = 1) =>
        Sign(voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = option, Sequence = sequence } });

    /// <summary>The holder appoints <paramref name="proxy"/> (null: withdraws its appointment).</summary>
    public static byte[] Delegate(string id, ISigner holder, ISigner? proxy, ulong sequence) =>
        Sign(holder, new TxPayload
        {
            Delegation = new Delegation { ElectionId = id, Proxy = ByteString.CopyFrom(proxy?.PublicKey ?? []), Sequence = sequence },
        });

    /// <summary>The last block <see cref="Commit(byte[][])"/> wrote, as the driver hands it to a mempool.</summary>
    public BlockWrite? LastWrite { get; private set; }

    /// <summary>Executes, certifies and commits the next block; the transactions must all be valid.</summary>
    public ParsedBlock Commit(params byte[][] envelopes) => Commit([], envelopes);

    /// <summary>
    /// As <see cref="Commit(byte[][])"/>, with extra state records written in the same block: what rules not yet built
    /// (secret ballots' key generation and decryption) would have written.
    /// </summary>
    public ParsedBlock Commit(IReadOnlyList<StateChange> extra, params byte[][] envelopes)
    {
        var height = Store.Height + 1;
        var verified = envelopes.Select(e =>
        {
            var decoded = _decoder.Decode(e);
            Assert.That(decoded.IsOk, Is.True, () => $"test transaction did not decode: {decoded.Rejection}");
            return decoded.Value!;
        }).ToList();
        var executed = BlockExecutor.Execute(Store, Rules, new BlockContext(height, TimeOf(height)), verified);
        Assert.That(executed.IsOk, Is.True, () => $"test block was refused: {executed.Rejection}");

        var ids = verified.Select(t => t.Id).ToList();
        var changes = executed.Value!.Changes.Concat(extra).ToList();
        var tree = extra.Count == 0 ? executed.Value.Tree : BlockTreeChanges.Apply(Store, height, changes, ids);
        var block = BlockCodec.Build(ChainId, height, Store.HeadHash, TimeOf(height), 0, envelopes, ids, tree.NewRoot);
        var signature = Validator.Sign(MessageSigning.Bytes(SignStep.Commit, ChainId, height, 0, block.Hash));
        block.Block.Certificate = CommitCertificates.Build(height, 0, block.Hash, [new KeyValuePair<uint, byte[]>(0, signature)]);

        LastWrite = new BlockWrite(height, block.Hash, block.Block.ToByteArray(), ids, changes, tree.NewRoot, tree);
        Store.Write(LastWrite);
        Mempool.OnCommitted(LastWrite);
        Events.Published(height);
        return block;
    }

    public void Dispose()
    {
        Store.Dispose();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
