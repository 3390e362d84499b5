using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Utilities;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Anonymous;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace VoteChain.Node.Tests.Anonymous;

/// <summary>
/// RFC 9474 blind signatures end to end: the RFC's own vector, a round trip with a derived issuer key that the
/// chain's check accepts, and the ways a voter, an issuer or an outsider could try to cheat.
/// </summary>
public sealed class BlindRsaTests
{
    private IssuerWeightKey _issuer = null!;
    private IssuerWeightKey _otherIssuer = null!;

    [OneTimeSetUp]
    public void DeriveIssuerKeys()
    {
        _issuer = IssuerWeightKey.Derive(new byte[32], "blind-test", "e1", 1);
        _otherIssuer = IssuerWeightKey.Derive(Enumerable.Repeat((byte)7, 32).ToArray(), "blind-test", "e1", 1);
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] Message(string text) => Encoding.UTF8.GetBytes(text);

    [Test]
    public void The_RFC_9474_test_vector_is_reproduced_byte_for_byte()
    {
        var n = new BigInteger(Rfc9474Vector.N, 16);
        var p = new BigInteger(Rfc9474Vector.P, 16);
        var q = new BigInteger(Rfc9474Vector.Q, 16);
        var d = new BigInteger(Rfc9474Vector.D, 16);
        var e = new BigInteger(Rfc9474Vector.E, 16);
        Assert.That(p.Multiply(q), Is.EqualTo(n), "the vector's key is consistent");
        var privateKey = new RsaPrivateCrtKeyParameters(n, e, d, p, q, d.Mod(p.Subtract(BigInteger.One)),
            d.Mod(q.Subtract(BigInteger.One)), q.ModInverse(p));
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Hex(Rfc9474Vector.N), Exponent = Hex(Rfc9474Vector.E) });
        var publicKeyDer = rsa.ExportSubjectPublicKeyInfo();

        var prepared = BlindRsa.Prepare(Hex(Rfc9474Vector.Msg), Hex(Rfc9474Vector.MsgPrefix));
        Assert.That(Convert.ToHexStringLower(prepared), Is.EqualTo(Rfc9474Vector.PreparedMsg));

        var blinded = BlindRsa.Blind(publicKeyDer, prepared, Hex(Rfc9474Vector.Salt), Hex(Rfc9474Vector.Inv));
        Assert.That(Convert.ToHexStringLower(blinded.Value), Is.EqualTo(Rfc9474Vector.BlindedMsg));
        Assert.That(Convert.ToHexStringLower(blinded.State.Inverse), Is.EqualTo(Rfc9474Vector.Inv));

        var blindSignature = BlindRsa.BlindSign(privateKey, blinded.Value);
        Assert.That(Convert.ToHexStringLower(blindSignature), Is.EqualTo(Rfc9474Vector.BlindSig));

        var signature = BlindRsa.Finalize(publicKeyDer, prepared, blindSignature, blinded.State);
        Assert.That(Convert.ToHexStringLower(signature), Is.EqualTo(Rfc9474Vector.Sig));
        Assert.That(rsa.VerifyData(prepared, signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pss), Is.True,
            "the BCL's own RSA-PSS accepts it, so the chain needs no BouncyCastle");
    }

    [Test]
    public void A_blind_signature_round_trip_with_a_derived_key_verifies_on_the_chain_and_only_there()
    {
        var key = _issuer.PublicKeyDer;
        Assert.That(IssuerKeyCheck.Problem(key), Is.Null, "a derived key is one the chain accepts");
        var prepared = BlindRsa.Prepare(Message("chain|election|weight 1|credential"));
        var blinded = BlindRsa.Blind(key, prepared);
        Assert.That(blinded.Value, Has.Length.EqualTo(IssuerKeyCheck.SignatureSize));
        var signature = BlindRsa.Finalize(key, prepared, BlindRsa.BlindSign(_issuer.PrivateKey, blinded.Value), blinded.State);

        Assert.That(IssuerKeyCheck.Verify(key, prepared, signature), Is.True);
        var badSignature = (byte[])signature.Clone();
        badSignature[^1] ^= 1;
        var badPrefix = (byte[])prepared.Clone();
        badPrefix[3] ^= 1;
        var badMessage = (byte[])prepared.Clone();
        badMessage[^1] ^= 1;
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Verify(key, prepared, badSignature), Is.False, "tampered signature");
            Assert.That(IssuerKeyCheck.Verify(key, badPrefix, signature), Is.False, "tampered prefix");
            Assert.That(IssuerKeyCheck.Verify(key, badMessage, signature), Is.False, "tampered message");
            Assert.That(IssuerKeyCheck.Verify(key, prepared.AsSpan(IssuerKeyCheck.PrefixSize), signature), Is.False,
                "the message without its prefix");
            Assert.That(IssuerKeyCheck.Verify(_otherIssuer.PublicKeyDer, prepared, signature), Is.False, "another issuer's key");
        });
    }

    [Test]
    public void The_issuer_sees_a_different_blinded_value_each_time_even_for_the_same_message()
    {
        var prepared = BlindRsa.Prepare(Message("same"));
        var first = BlindRsa.Blind(_issuer.PublicKeyDer, prepared);
        var second = BlindRsa.Blind(_issuer.PublicKeyDer, prepared);
        Assert.That(first.Value, Is.Not.EqualTo(second.Value));
        Assert.That(BlindRsa.Prepare(Message("same")), Is.Not.EqualTo(prepared), "a fresh prefix each time");
    }

    [Test]
    public void An_issuer_cannot_learn_a_bit_of_the_blinding_factor_from_the_final_signature()
    {
        // The issuer later sees the signature s on chain and knows its own answer z^d = m^d·r, so it can compute
        // r = z^d / s. If r were drawn below 2^(bits-1) (BouncyCastle's RsaBlindingFactorGenerator) every r would
        // fall in the lower half and each guess "this request belongs to that credential" would be testable.
        var n = _issuer.PrivateKey.Modulus;
        var half = BigInteger.One.ShiftLeft(n.BitLength - 1);
        var upperHalf = 0;
        for (var i = 0; i < 48; i++)
        {
            var prepared = BlindRsa.Prepare(Message($"credential {i}"));
            var blinded = BlindRsa.Blind(_issuer.PublicKeyDer, prepared);
            var answer = BlindRsa.BlindSign(_issuer.PrivateKey, blinded.Value);
            var signature = BlindRsa.Finalize(_issuer.PublicKeyDer, prepared, answer, blinded.State);
            var r = new BigInteger(1, answer).Multiply(new BigInteger(1, signature).ModInverse(n)).Mod(n);
            Assert.That(r.Multiply(new BigInteger(1, blinded.State.Inverse)).Mod(n), Is.EqualTo(BigInteger.One),
                "the issuer's computation does recover r");
            upperHalf += r.CompareTo(half) >= 0 ? 1 : 0;
        }

        // n is above 2^(bits-1), so a uniform r lands at or above it with probability (n - 2^(bits-1)) / n > 0;
        // for this key that is over 20 %, and 48 draws all missing it has probability below 2^-15.
        Assert.That(upperHalf, Is.GreaterThan(0));
    }

    [Test]
    public void The_issuer_refuses_a_blinded_message_not_below_its_modulus_or_of_the_wrong_length()
    {
        var n = _issuer.PrivateKey.Modulus;
        var size = IssuerKeyCheck.SignatureSize;
        Assert.Multiple(() =>
        {
            Assert.That(() => BlindRsa.BlindSign(_issuer.PrivateKey, BigIntegers.AsUnsignedByteArray(size, n)),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("below the issuer's modulus"));
            Assert.That(() => BlindRsa.BlindSign(_issuer.PrivateKey, Enumerable.Repeat((byte)0xFF, size).ToArray()),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("below the issuer's modulus"));
            Assert.That(() => BlindRsa.BlindSign(_issuer.PrivateKey, new byte[size + 1]),
                Throws.TypeOf<CryptographicException>().With.Message.Contains($"is {size} bytes"));
            Assert.That(() => BlindRsa.BlindSign(_issuer.PrivateKey, new byte[size - 1]),
                Throws.TypeOf<CryptographicException>());
        });
    }

    [Test]
    public void Finalize_refuses_an_answer_that_is_not_the_issuers_signature_of_this_request()
    {
        var key = _issuer.PublicKeyDer;
        var prepared = BlindRsa.Prepare(Message("mine"));
        var blinded = BlindRsa.Blind(key, prepared);
        var honest = BlindRsa.BlindSign(_issuer.PrivateKey, blinded.Value);
        var otherRequest = BlindRsa.Blind(key, BlindRsa.Prepare(Message("someone else's")));
        var forged = RandomNumberGenerator.GetBytes(IssuerKeyCheck.SignatureSize);
        forged[0] &= 0x7F;
        var altered = (byte[])honest.Clone();
        altered[200] ^= 0x40;

        void Refused(byte[] answer, string why) =>
            Assert.That(() => BlindRsa.Finalize(key, prepared, answer, blinded.State),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("does not unblind"), why);

        Assert.Multiple(() =>
        {
            Refused(BlindRsa.BlindSign(_otherIssuer.PrivateKey, blinded.Value), "signed with another key");
            Refused(BlindRsa.BlindSign(_issuer.PrivateKey, otherRequest.Value), "the answer to another request");
            Refused(forged, "self-made bytes");
            Refused(altered, "an altered answer");
            Refused(blinded.Value, "the request echoed back");
            Assert.That(() => BlindRsa.Finalize(key, prepared, honest, otherRequest.State),
                Throws.TypeOf<CryptographicException>(), "unblinded with another request's state");
            Assert.That(() => BlindRsa.Finalize(key, prepared, honest.AsSpan(1).ToArray(), blinded.State),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("bytes"), "a short answer");
        });
        Assert.That(BlindRsa.Finalize(key, prepared, honest, blinded.State), Has.Length.EqualTo(IssuerKeyCheck.SignatureSize),
            "the honest answer still finalizes");
    }

    [Test]
    public void A_blinding_factor_that_is_not_invertible_is_refused()
    {
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Hex(Rfc9474Vector.N), Exponent = Hex(Rfc9474Vector.E) });
        var publicKeyDer = rsa.ExportSubjectPublicKeyInfo();
        var prepared = BlindRsa.Prepare(Message("m"));
        var factor = BigIntegers.AsUnsignedByteArray(512, new BigInteger(Rfc9474Vector.P, 16));
        Assert.That(() => BlindRsa.Blind(publicKeyDer, prepared, null, factor),
            Throws.TypeOf<CryptographicException>().With.Message.Contains("not invertible"));
        Assert.That(() => BlindRsa.Blind(publicKeyDer, prepared, null, new byte[512]),
            Throws.TypeOf<CryptographicException>().With.Message.Contains("not invertible"));
    }

    [Test]
    public void An_encoded_message_sharing_a_factor_with_the_modulus_is_refused()
    {
        // The RFC's gcd(m, n) = 1 check, made reachable: a modulus with forty primes just above the small ones
        // BouncyCastle refuses outright (it checks up to 743) shares a factor with about one PSS encoding in twenty.
        // Blinding such an m would hand the factor to whoever sees the request.
        var factors = Enumerable.Range(757, 1000).Where(i => BigInteger.ValueOf(i).IsProbablePrime(30)).Take(40);
        var modulus = factors.Aggregate(new BigInteger(Rfc9474Vector.P, 16), (product, f) => product.Multiply(BigInteger.ValueOf(f)));
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus.ToByteArrayUnsigned(), Exponent = Hex(Rfc9474Vector.E) });
        var publicKeyDer = rsa.ExportSubjectPublicKeyInfo();
        var prepared = BlindRsa.Prepare(Message("m"));
        var tries = 0;
        var refused = false;
        while (!refused && tries++ < 1000)
        {
            try
            {
                BlindRsa.Blind(publicKeyDer, prepared); // a fresh salt each time, so a fresh encoded message
            }
            catch (CryptographicException e) when (e.Message.Contains("not coprime", StringComparison.Ordinal))
            {
                refused = true;
            }
            catch (CryptographicException e) when (e.Message.Contains("not invertible", StringComparison.Ordinal))
            {
                // A random r sharing one of these factors is refused one step earlier; with a real key that would
                // mean having factored n by chance.
            }
        }

        Assert.That(refused, Is.True, $"no refusal in {tries} tries (each hits with probability about 1/20)");
    }

    [Test]
    public void A_modulus_with_a_small_factor_is_refused_as_a_key()
    {
        var modulus = new BigInteger(Rfc9474Vector.P, 16).Multiply(BigInteger.Three);
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus.ToByteArrayUnsigned(), Exponent = Hex(Rfc9474Vector.E) });
        Assert.That(() => BlindRsa.Blind(rsa.ExportSubjectPublicKeyInfo(), BlindRsa.Prepare(Message("m"))),
            Throws.TypeOf<CryptographicException>().With.Message.Contains("not a usable RSA key"));
    }

    [Test]
    public void Keys_outside_the_supported_sizes_and_garbage_are_refused_clearly()
    {
        using var small = RSA.Create(1024);
        var prepared = BlindRsa.Prepare(Message("m"));
        Assert.Multiple(() =>
        {
            Assert.That(() => BlindRsa.Blind(small.ExportSubjectPublicKeyInfo(), prepared),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("2048 to 4096 bits"));
            Assert.That(() => BlindRsa.Blind(RandomNumberGenerator.GetBytes(300), prepared),
                Throws.TypeOf<CryptographicException>());
            Assert.That(() => BlindRsa.Blind(new byte[100_000], prepared),
                Throws.TypeOf<CryptographicException>().With.Message.Contains("at most"));
            Assert.That(() => BlindRsa.Prepare(new byte[IssuerKeyCheck.MaxMessageSize + 1]),
                Throws.TypeOf<ArgumentException>());
        });
    }
}
