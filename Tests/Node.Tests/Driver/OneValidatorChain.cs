using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Node.Driver;
using VoteChain.Node.Genesis;
using VoteChain.Node.Tests.Trustee;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using MempoolPool = VoteChain.Networking.Mempool.Mempool;

namespace VoteChain.Node.Tests.Driver;

/// <summary>
/// What the driver's tests build on: a chain of one validator and one election authority, on a real store in a temporary
/// folder, with the executor that judges its blocks against a clock the test moves.
/// </summary>
internal sealed class OneValidatorChain : IDisposable
{
    private readonly TempFolder _temp = new();

    public OneValidatorChain(string chainId)
    {
        ChainId = chainId;
        Genesis = new Protos.V1.Genesis
        {
            ChainId = chainId,
            GenesisTimeUnixMs = 1,
            Params = GenesisDefaults.Params(),
            Authorities = { ByteString.CopyFrom(Authority.PublicKey) },
            Validators = { new ValidatorInfo { Name = "v0", PublicKey = ByteString.CopyFrom(Validator.PublicKey), Endpoint = "http://127.0.0.1:1" } },
        };
        Store = ChainStore.Open(Path.Combine(_temp.Path, "data"), chainId, GenesisHash.Of(Genesis));
        Context = new ChainContext(Genesis);
        Fetched = new FetchedTransactions(Context, new VoteChain.Consensus.Pbft.ValidatorSchedule(Context.Validators));
        var mempool = new MempoolPool(chainId, Context.Rules, Store,
            () => new BlockContext(Store.Height + 1, Clock.GetUtcNow().ToUnixTimeMilliseconds()), new MempoolLimits());
        Executor = new ChainExecutor(Context, Store, mempool, Fetched, Clock, NullLogger.Instance);
    }

    public string ChainId { get; }

    public Ed25519KeyPair Authority { get; } = Ed25519KeyPair.Generate();

    public Ed25519KeyPair Validator { get; } = Ed25519KeyPair.Generate();

    public ManualClock Clock { get; } = new();

    public Protos.V1.Genesis Genesis { get; }

    public ChainStore Store { get; }

    public ChainContext Context { get; }

    public FetchedTransactions Fetched { get; }

    public ChainExecutor Executor { get; }

    public void Dispose()
    {
        Store.Dispose();
        Authority.Dispose();
        Validator.Dispose();
        _temp.Dispose();
    }
}
