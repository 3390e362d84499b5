using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

/// <summary>
/// The verifier's shortcuts: value shifts built from w·G by additions must be exactly B − (j·w)·G, and a ballot with
/// one bad part is refused whichever part it is (every part is parsed before any group work).
/// </summary>
public sealed class BallotShiftAndOrderTests
{
    private const ulong W = 7;
    private readonly ElGamalKeyPair _key = ElGamalKeyPair.Generate();

    [TestCase(0, 0)]
    [TestCase(0, 4)]
    [TestCase(1, 1)]
    [TestCase(1, 5)]
    [TestCase(3, 6)]
    public void Range_shifts_equal_the_base_multiplications_they_replace(int min, int max)
    {
        var b = GroupElement.MultiplyBase(Scalar.Random());
        var shifts = BranchShifts.ForRange(b, BranchShifts.WeightPoint(W), W, min, max);
        Assert.That(shifts, Has.Length.EqualTo(max - min + 1));
        for (var j = 0; j < shifts.Length; j++)
        {
            var expected = b.Subtract(GroupElement.MultiplyBase(Scalar.FromUInt64((ulong)(min + j) * W)));
            Assert.That(shifts[j], Is.EqualTo(expected), $"j = {min + j}");
        }
    }

    [Test]
    public void Option_shifts_are_b_and_b_minus_the_weight()
    {
        var b = GroupElement.MultiplyBase(Scalar.Random());
        var shifts = BranchShifts.ForOption(b, BranchShifts.WeightPoint(W));
        Assert.That(shifts[0], Is.EqualTo(b));
        Assert.That(shifts[1], Is.EqualTo(b.Subtract(GroupElement.MultiplyBase(Scalar.FromUInt64(W)))));
    }

    [Test]
    public void A_bad_last_part_is_refused_without_throwing()
    {
        var ballot = EncryptedBallot.Create(Context(weight: W), _key.PublicKey, W, [false, false, true, false], 1, 1);
        var last = ballot.OptionProofs.Count - 1;
        bool Verify(EncryptedBallot b) => b.Verify(Context(weight: W), _key.PublicKey, W, 4, 1, 1);
        EncryptedBallot WithLastProof(byte[] proof) =>
            new(ballot.Options, [.. ballot.OptionProofs.Take(last), proof], ballot.SumProof);
        EncryptedBallot WithLastOption(Ciphertext option) =>
            new([.. ballot.Options.Take(last), option], ballot.OptionProofs, ballot.SumProof);

        Assert.Multiple(() =>
        {
            Assert.That(Verify(ballot), Is.True);
            Assert.That(Verify(WithLastProof(WithScalarAt(ballot.OptionProofs[last], 32, PlusOrder(ballot.OptionProofs[last].AsSpan(32, 32))))), Is.False);
            Assert.That(Verify(WithLastProof(ballot.OptionProofs[last][..^1])), Is.False);
            Assert.That(Verify(WithLastProof(Flip(ballot.OptionProofs[last], 5))), Is.False);
            Assert.That(Verify(WithLastOption(new Ciphertext(GroupElement.Identity, ballot.Options[last].B))), Is.False);
            Assert.That(Verify(new EncryptedBallot(ballot.Options, ballot.OptionProofs, WithScalarAt(ballot.SumProof, 0, PlusOrder(ballot.SumProof.AsSpan(0, 32))))), Is.False);
            Assert.That(Verify(new EncryptedBallot(ballot.Options, ballot.OptionProofs, [.. ballot.SumProof, .. ballot.SumProof])), Is.False);
            Assert.That(ballot.Verify(Context(weight: W), GroupElement.Identity, W, 4, 1, 1), Is.False);
            Assert.That(ballot.Verify(Context(weight: W), _key.PublicKey, 0, 4, 1, 1), Is.False);
        });
    }
}
