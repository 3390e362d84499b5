using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Benchmarks;

/// <summary>
/// A chain of votes on RocksDB (a real <see cref="ChainStore"/>), written block by block through <see cref="ChainStore.Write"/>
/// with its real state tree. Each vote leaves what the rules leave: its credential's registration, its ballot and its
/// transaction's id (three tree records); a block also rewrites its election's tally and the tree's height record.
/// Vote i is the same in every run, so every run builds the same state.
/// </summary>
internal sealed class RocksVoteChain : IDisposable
{
    public const string ChainId = "snapshot-bench";
    public const int VotesPerBlock = 10_000;
    public static readonly byte[] GenesisHash = SHA256.HashData("snapshot-bench"u8);
    private const string Election = "election-1";

    private byte[] _previous = GenesisHash;

    /// <param name="votes">How many votes the folder already holds (a copy of an earlier chain's folder), else 0.</param>
    public RocksVoteChain(string folder, int votes = 0)
    {
        Store = ChainStore.Open(folder, ChainId, GenesisHash);
        _previous = Store.Height == 0 ? GenesisHash : Store.HeadHash;
        Votes = votes;
    }

    public ChainStore Store { get; }

    /// <summary>How many votes the chain holds (the chain's blocks are full, but for the last one).</summary>
    public int Votes { get; private set; }

    /// <summary>Writes votes until the chain holds <paramref name="votes"/>, in blocks of <see cref="VotesPerBlock"/>.</summary>
    public void GrowTo(int votes)
    {
        while (Votes < votes)
        {
            var block = Block(Votes, Math.Min(VotesPerBlock, votes - Votes));
            Write(block, Tree(block));
        }
    }

    /// <summary>The block of votes <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1, on the head.</summary>
    public VoteBlock Block(int first, int count)
    {
        var height = Store.Height + 1;
        var changes = new List<StateChange>(2 * count + 1);
        var txIds = new List<byte[]>(count);
        for (var i = first; i < first + count; i++)
        {
            var voter = SHA256.HashData(BitConverter.GetBytes(i));
            var txId = SHA256.HashData(voter);
            var key = StateKeys.Credential(Election, voter);
            changes.Add(new StateChange(StateColumn.Credentials, key, new CredentialRecord { Weight = 1, RegisteredHeight = height }.ToByteArray()));
            changes.Add(new StateChange(StateColumn.Ballots, key, new BallotRecord
            {
                Option = (uint)(i % 3), Sequence = 1, TxId = ByteString.CopyFrom(txId), Height = height, Counted = true,
            }.ToByteArray()));
            txIds.Add(txId);
        }

        changes.Add(new StateChange(StateColumn.Tallies, StateKeys.Tally(Election),
            new TallyRecord { OptionWeights = { (ulong)(first + count), 0, 0 }, CountedBallots = (ulong)(first + count) }.ToByteArray()));
        changes.Sort(StateChangeOrder.Instance);
        return new VoteBlock(height, count, changes, txIds);
    }

    /// <summary>The block's tree update on the head (read through the store, not written).</summary>
    public TreeUpdate Tree(VoteBlock block) => BlockTreeChanges.Apply(Store, block.Height, block.Changes, block.TxIds);

    public void Write(VoteBlock block, TreeUpdate tree)
    {
        var built = BlockCodec.Build(ChainId, block.Height, _previous, 1_800_000_000_000 + (long)block.Height, 0, [], [], tree.NewRoot);
        Store.Write(new BlockWrite(block.Height, built.Hash, built.Block.ToByteArray(), block.TxIds, block.Changes, tree.NewRoot, tree));
        _previous = built.Hash;
        Votes += block.Votes;
    }

    public void Dispose() => Store.Dispose();
}

/// <summary>One block of votes: its height, its state changes (in <see cref="StateChangeOrder"/>) and its transactions' ids.</summary>
internal sealed record VoteBlock(ulong Height, int Votes, List<StateChange> Changes, List<byte[]> TxIds);
