using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// The rules compute a secret election's key status once per overlay, not once per vote, but only a status that no
/// block time can change: one final by a deadline is evaluated afresh at every time.
/// </summary>
public sealed class KeyStatusMemoTests
{
    private const string Election = "memo";

    [Test]
    public void A_key_final_at_any_time_is_computed_once_per_overlay_until_its_record_changes()
    {
        var (state, election) = State(deals: 2, acks: 2);
        var overlay = new StateOverlay(state);

        var first = KeyGenerationStatus.In(overlay, election, 1_000);
        Assert.That(first.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(first.FinalAtAnyTime, Is.True);
        Assert.That(KeyGenerationStatus.In(overlay, election, 2_000), Is.SameAs(first));

        overlay.PutSecret(Election, state.GetSecret(Election)!);
        var again = KeyGenerationStatus.In(overlay, election, 2_000);
        Assert.That(again, Is.Not.SameAs(first), "writing the record forgets the status");
        Assert.That(again.JointKey, Is.EqualTo(first.JointKey));
    }

    [Test]
    public void A_key_final_only_because_a_deadline_passed_is_evaluated_at_each_block_time()
    {
        var (state, election) = State(deals: 1, acks: 0);
        var overlay = new StateOverlay(state);
        var answersEnd = 3 * 10_000L;

        var late = KeyGenerationStatus.In(overlay, election, answersEnd);
        Assert.That(late.Phase, Is.EqualTo(KeyGenerationPhase.Final));
        Assert.That(late.FinalAtAnyTime, Is.False);
        Assert.That(KeyGenerationStatus.In(overlay, election, 5_000).Phase, Is.EqualTo(KeyGenerationPhase.Dealing),
            "an earlier block time still sees the dealing phase");
    }

    private static (MemoryState State, ElectionRecord Election) State(int deals, int acks)
    {
        var trustees = new[] { Key(1), Key(2) };
        var election = new ElectionRecord
        {
            Definition = new CreateElection { ElectionId = Election, Options = { "a", "b" } },
            CreatedAtUnixMs = 0,
            Secret = new SecretBallotSettings
            {
                Threshold = 1, MinChoices = 1, MaxChoices = 1, KeyPhaseSeconds = 10,
                Trustees = { trustees.Select(t => ByteString.CopyFrom(t)) },
            },
        };
        var secret = new SecretRecord();
        for (var i = 0; i < deals; i++)
        {
            var polynomial = ShamirPolynomial.Random(1);
            secret.Deals.Add(new DealRecord { Dealer = (uint)i + 1, Commitments = { ByteString.CopyFrom(polynomial.Commitments()[0].ToArray()) } });
        }

        for (var i = 0; i < acks; i++)
        {
            secret.Acks.Add(new AckRecord { Trustee = (uint)i + 1 });
        }

        var state = new MemoryState(Hashing.Sha256("genesis"u8));
        var overlay = new StateOverlay(state);
        overlay.PutElection(Election, election);
        overlay.PutSecret(Election, secret);
        var changes = overlay.Changes();
        var tree = BlockTreeChanges.Apply(state, 1, changes, []);
        state.Apply(new Chain.BlockWrite(1, Hashing.Sha256("block"u8), [], [], changes, tree.NewRoot, tree));
        return (state, election);
    }

    private static byte[] Key(int number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        seed[0] = (byte)number;
        using var key = Ed25519KeyPair.FromSeed(seed);
        return key.PublicKey;
    }
}
