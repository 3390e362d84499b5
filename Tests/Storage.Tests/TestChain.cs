using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Tests;

/// <summary>
/// Builds a chain of real blocks (a serialized BlockHeader inside a Block, hashed the way the chain hashes) and
/// the commits that store them, keeping the previous hash and the state tree (its own copy in memory) the way the
/// driver would, so every commit carries the tree nodes its state root stands on.
/// </summary>
public sealed class TestChain
{
    public const string ChainId = "test-chain";
    public const string ElectionId = "election-1";

    public static readonly byte[] GenesisHash = Hashing.Sha256(Encoding.ASCII.GetBytes("test genesis"));

    private byte[] _previousHash = GenesisHash;
    private readonly MemoryTreeNodeStore _tree = new();

    public ulong Height { get; private set; }

    /// <summary>The next block with <paramref name="txCount"/> transactions and the given state changes.</summary>
    public BlockWrite Next(int txCount = 2, params StateChange[] changes)
    {
        var height = Height + 1;
        var envelopes = Enumerable.Range(0, txCount)
            .Select(i => new TxEnvelope
            {
                Payload = ByteString.CopyFromUtf8($"payload {height}/{i}"),
                Signer = ByteString.CopyFrom(new byte[32]),
                Signature = ByteString.CopyFrom(new byte[64]),
            }.ToByteString())
            .ToList();
        var txIds = envelopes.Select(e => Hashing.Sha256(e.Span)).ToList();
        var sorted = changes.Order(StateChangeOrder.Instance).ToList();
        var tree = StateTree.Apply(_tree, height == 1 ? null : height - 1, height, BlockTreeChanges.Of(height, sorted, txIds));
        _tree.Commit(tree);
        _tree.Prune(height);
        var root = tree.NewRoot;
        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            PreviousHash = ByteString.CopyFrom(_previousHash),
            TimeUnixMs = 1_700_000_000_000 + (long)height,
            StateRoot = ByteString.CopyFrom(root),
            TxCount = (uint)txCount,
        }.ToByteString();
        var block = new Block { Header = header };
        block.Transactions.AddRange(envelopes);
        var hash = Hashing.Sha256(header.Span);

        Height = height;
        _previousHash = hash;
        return new BlockWrite(height, hash, block.ToByteArray(), txIds, sorted, root, tree);
    }

    public static byte[] Credential(byte seed) => Enumerable.Repeat(seed, 32).ToArray();

    public static StateChange Election(ulong height) => new(
        StateColumn.Elections,
        StateKeys.Election(ElectionId),
        new ElectionRecord
        {
            Definition = new CreateElection { ElectionId = ElectionId, Title = "Budget", Options = { "yes", "no" } },
            CreatedHeight = height,
        }.ToByteArray());

    public static StateChange Registered(byte seed, ulong height) => new(
        StateColumn.Credentials,
        StateKeys.Credential(ElectionId, Credential(seed)),
        new CredentialRecord { Weight = 1, RegisteredHeight = height }.ToByteArray());

    public static StateChange Ballot(byte seed, uint option, ulong height) => new(
        StateColumn.Ballots,
        StateKeys.Credential(ElectionId, Credential(seed)),
        new BallotRecord { Option = option, Sequence = 1, Height = height, Counted = true }.ToByteArray());

    public static StateChange Tally(params ulong[] weights) => new(
        StateColumn.Tallies,
        StateKeys.Tally(ElectionId),
        new TallyRecord { OptionWeights = { weights }, CountedBallots = (ulong)weights.Sum(w => (long)w) }.ToByteArray());
}
