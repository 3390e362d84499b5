using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>
/// Every vote reads its election: an overlay (one block's pending writes) reads a committed election record once, and
/// a pending write still wins over what it read.
/// </summary>
public sealed class OverlayElectionReadTests
{
    [Test]
    public void A_committed_election_is_read_once_per_overlay_and_a_pending_write_wins()
    {
        var committed = new CountingReader(new MemoryState(Hashing.Sha256("genesis"u8)));
        var seed = new StateOverlay(committed.Inner);
        seed.PutElection("e1", Record("first title"));
        var changes = seed.Changes();
        var tree = BlockTreeChanges.Apply(committed.Inner, 1, changes, []);
        committed.Inner.Apply(new Chain.BlockWrite(1, Hashing.Sha256("block"u8), [], [], changes, tree.NewRoot, tree));
        var overlay = new StateOverlay(committed);

        var first = overlay.GetElection("e1");
        var second = overlay.GetElection("e1");
        Assert.That(first!.Definition.Title, Is.EqualTo("first title"));
        Assert.That(second, Is.SameAs(first));
        Assert.That(committed.ElectionReads, Is.EqualTo(1));

        overlay.PutElection("e1", Record("changed in this block"));
        Assert.That(overlay.GetElection("e1")!.Definition.Title, Is.EqualTo("changed in this block"));

        Assert.That(overlay.GetElection("missing"), Is.Null);
        Assert.That(overlay.GetElection("missing"), Is.Null);
        Assert.That(committed.ElectionReads, Is.EqualTo(3), "an election that does not exist is not remembered: it may be created");
        Assert.That(new StateOverlay(committed).GetElection("e1")!.Definition.Title, Is.EqualTo("first title"),
            "a new overlay reads afresh");
    }

    private static ElectionRecord Record(string title) =>
        new() { Definition = new CreateElection { ElectionId = "e1", Title = title, Options = { "a", "b" } } };

    /// <summary>Counts election reads of a real in-memory state.</summary>
    private sealed class CountingReader(MemoryState inner) : IStateReader
    {
        public MemoryState Inner { get; } = inner;

        public int ElectionReads { get; private set; }

        public byte[] StateRoot => Inner.StateRoot;

        public ElectionRecord? GetElection(string electionId)
        {
            ElectionReads++;
            return Inner.GetElection(electionId);
        }

        public CredentialRecord? GetCredential(string electionId, ReadOnlySpan<byte> credential) => Inner.GetCredential(electionId, credential);

        public BallotRecord? GetBallot(string electionId, ReadOnlySpan<byte> credential) => Inner.GetBallot(electionId, credential);

        public TallyRecord? GetTally(string electionId) => Inner.GetTally(electionId);

        public SecretRecord? GetSecret(string electionId) => Inner.GetSecret(electionId);

        public IssuanceRecord? GetIssuance(string electionId, ulong weight) => Inner.GetIssuance(electionId, weight);

        public IssuerKeyRecord? GetIssuerKey(ReadOnlySpan<byte> keyDer) => Inner.GetIssuerKey(keyDer);

        public GovernanceRecord? GetGovernance(ReadOnlySpan<byte> key) => Inner.GetGovernance(key);

        public bool HasTransaction(ReadOnlySpan<byte> txId) => Inner.HasTransaction(txId);
    }
}
