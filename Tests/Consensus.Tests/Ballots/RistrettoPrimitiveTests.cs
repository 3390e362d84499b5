using System.Numerics;
using VoteChain.Consensus.Ballots;
using static VoteChain.Consensus.Tests.Ballots.BallotTestSupport;

namespace VoteChain.Consensus.Tests.Ballots;

public sealed class RistrettoPrimitiveTests
{
    // RFC 9496 §A.2: encodings that must be refused (non-canonical field elements, negative s, and s = p).
    private static readonly string[] BadPoints =
    [
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ];

    [Test]
    public void Scalars_at_or_above_the_order_are_refused()
    {
        var order = Order.ToByteArray(isUnsigned: true);
        Assert.That(Scalar.TryParse(order, out _), Is.False);
        Assert.That(Scalar.TryParse((Order + 1).ToByteArray(isUnsigned: true), out _), Is.False);
        Assert.That(Scalar.TryParse(Enumerable.Repeat((byte)0xff, 32).ToArray(), out _), Is.False);
        Assert.That(Scalar.TryParse(new byte[31], out _), Is.False);
        Assert.That(Scalar.TryParse((Order - 1).ToByteArray(isUnsigned: true), out var max), Is.True);
        Assert.That(max.Add(Scalar.One).IsZero, Is.True);
    }

    [Test]
    public void Scalar_arithmetic_agrees_with_big_integers()
    {
        var x = Scalar.Random();
        var y = Scalar.RandomNonZero();
        BigInteger Big(Scalar s) => new(s.ToArray(), isUnsigned: true);
        Assert.That(Big(x.Add(y)), Is.EqualTo((Big(x) + Big(y)) % Order));
        Assert.That(Big(x.Multiply(y)), Is.EqualTo(Big(x) * Big(y) % Order));
        Assert.That(Big(x.Subtract(y)), Is.EqualTo(((Big(x) - Big(y)) % Order + Order) % Order));
        Assert.That(y.Multiply(y.Invert()), Is.EqualTo(Scalar.One));
        Assert.That(x.Add(x.Negate()).IsZero, Is.True);
        Assert.That(() => Scalar.Zero.Invert(), Throws.InvalidOperationException);
    }

    [TestCaseSource(nameof(BadPoints))]
    public void Non_canonical_point_encodings_are_refused(string hex) =>
        Assert.That(GroupElement.TryParse(Convert.FromHexString(hex), out _), Is.False);

    [Test]
    public void The_identity_is_representable_and_behaves()
    {
        Assert.That(GroupElement.TryParse(new byte[32], out var identity), Is.True);
        Assert.That(identity.IsIdentity, Is.True);
        var g = GroupElement.Generator;
        Assert.That(g.IsIdentity, Is.False);
        Assert.That(g.Subtract(g).IsIdentity, Is.True);
        Assert.That(identity.Add(g), Is.EqualTo(g));
        // libsodium returns -1 for an identity product; that must surface as the identity, not an error.
        Assert.That(GroupElement.MultiplyBase(Scalar.Zero).IsIdentity, Is.True);
        Assert.That(g.Multiply(Scalar.Zero).IsIdentity, Is.True);
        Assert.That(identity.Multiply(Scalar.RandomNonZero()).IsIdentity, Is.True);
    }

    [Test]
    public void Group_law_round_trips()
    {
        var a = Scalar.Random();
        var b = Scalar.Random();
        var aG = GroupElement.MultiplyBase(a);
        Assert.That(aG.Add(GroupElement.MultiplyBase(b)), Is.EqualTo(GroupElement.MultiplyBase(a.Add(b))));
        Assert.That(aG.Multiply(b), Is.EqualTo(GroupElement.MultiplyBase(a.Multiply(b))));
        Assert.That(GroupElement.TryParse(aG.ToArray(), out var parsed) && parsed.Equals(aG), Is.True);
        Assert.That(GroupElement.TryParse(new byte[33], out _), Is.False);
        var hashed = GroupElement.FromHash(new byte[64]);
        Assert.That(GroupElement.TryParse(hashed.ToArray(), out _), Is.True);
    }
}
