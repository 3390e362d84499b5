using System.Formats.Asn1;
using System.Security.Cryptography;
using VoteChain.Consensus.Anonymous;

namespace VoteChain.Consensus.Tests.Anonymous;

/// <summary>
/// The chain's checks of issuer keys and credential signatures, with keys from the BCL (this project may not use
/// Node's blind-signature code; a blind signature, once unblinded, is an ordinary RSA-PSS signature anyway).
/// </summary>
public sealed class IssuerKeyCheckTests
{
    private RSA _issuer = null!;
    private byte[] _issuerKey = null!;
    private RSA _other = null!;
    private byte[] _otherKey = null!;

    [OneTimeSetUp]
    public void MakeKeys()
    {
        _issuer = RSA.Create(IssuerKeyCheck.KeyBits);
        _issuerKey = _issuer.ExportSubjectPublicKeyInfo();
        _other = RSA.Create(IssuerKeyCheck.KeyBits);
        _otherKey = _other.ExportSubjectPublicKeyInfo();
    }

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        _issuer.Dispose();
        _other.Dispose();
    }

    private static byte[] Prepared(string text)
    {
        var prefix = RandomNumberGenerator.GetBytes(IssuerKeyCheck.PrefixSize);
        return [.. prefix, .. System.Text.Encoding.UTF8.GetBytes(text)];
    }

    private byte[] Sign(byte[] prepared) =>
        _issuer.SignData(prepared, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);

    [Test]
    public void A_3072_bit_key_with_exponent_65537_in_DER_is_accepted()
    {
        Assert.That(_issuerKey, Has.Length.EqualTo(IssuerKeyCheck.PublicKeySize));
        Assert.That(IssuerKeyCheck.Problem(_issuerKey), Is.Null);
    }

    [Test]
    public void A_signature_verifies_and_fails_after_any_tampering()
    {
        var prepared = Prepared("chain/election/weight/credential");
        var signature = Sign(prepared);
        Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, signature), Is.True);

        var badSignature = (byte[])signature.Clone();
        badSignature[100] ^= 1;
        var badPrefix = (byte[])prepared.Clone();
        badPrefix[0] ^= 1;
        var badMessage = (byte[])prepared.Clone();
        badMessage[^1] ^= 1;
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, badSignature), Is.False, "signature");
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, badPrefix, signature), Is.False, "prefix");
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, badMessage, signature), Is.False, "message");
            Assert.That(IssuerKeyCheck.Verify(_otherKey, prepared, signature), Is.False, "other issuer's key");
        });
    }

    [Test]
    public void A_signature_of_the_wrong_length_is_refused_even_if_it_is_the_same_number()
    {
        var prepared = Prepared("m");
        var signature = Sign(prepared);
        byte[] padded = [0, .. signature];
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, padded), Is.False);
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, signature.AsSpan(1)), Is.False);
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, []), Is.False);
        });
    }

    [Test]
    public void A_PKCS1_v1_5_signature_of_the_same_message_is_refused()
    {
        var prepared = Prepared("m");
        var pkcs1 = _issuer.SignData(prepared, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
        Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, pkcs1), Is.False);
    }

    [Test]
    public void Messages_shorter_than_the_prefix_or_longer_than_the_bound_are_refused_before_hashing()
    {
        var tooLong = new byte[IssuerKeyCheck.MaxPreparedMessageSize + 1];
        var longest = new byte[IssuerKeyCheck.MaxPreparedMessageSize];
        var tooShort = new byte[IssuerKeyCheck.PrefixSize - 1];
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, tooLong, Sign(tooLong)), Is.False);
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, tooShort, Sign(tooShort)), Is.False);
            Assert.That(IssuerKeyCheck.Verify(_issuerKey, longest, Sign(longest)), Is.True, "the bound itself is allowed");
        });
    }

    [Test]
    public void A_2048_bit_key_is_refused_and_cannot_verify()
    {
        using var small = RSA.Create(2048);
        var der = small.ExportSubjectPublicKeyInfo();
        var prepared = Prepared("m");
        var signature = small.SignData(prepared, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Problem(der), Does.Contain("2048 bits"));
            Assert.That(IssuerKeyCheck.Verify(der, prepared, signature), Is.False);
        });
    }

    [Test]
    public void A_4096_bit_key_is_refused_for_its_size_before_parsing()
    {
        using var large = RSA.Create(4096);
        Assert.That(IssuerKeyCheck.Problem(large.ExportSubjectPublicKeyInfo()), Does.Contain("got 550 bytes"));
    }

    [Test]
    public void Exponent_3_is_refused()
    {
        var parameters = _issuer.ExportParameters(false);
        var der = SubjectPublicKeyInfo(parameters.Modulus!, [3], withNullParameters: true);
        Assert.That(der, Has.Length.EqualTo(IssuerKeyCheck.PublicKeySize - 2));
        Assert.That(IssuerKeyCheck.Problem(der), Does.Contain("public exponent is 0x03"));
    }

    [Test]
    public void An_even_modulus_is_refused()
    {
        var modulus = _issuer.ExportParameters(false).Modulus!;
        modulus[^1] &= 0xFE;
        var der = SubjectPublicKeyInfo(modulus, [1, 0, 1], withNullParameters: true);
        Assert.That(IssuerKeyCheck.Problem(der), Does.Contain("even"));
    }

    [Test]
    public void An_encoding_without_the_NULL_algorithm_parameters_is_refused_as_not_canonical()
    {
        var parameters = _issuer.ExportParameters(false);
        var der = SubjectPublicKeyInfo(parameters.Modulus!, parameters.Exponent!, withNullParameters: false);
        var problem = IssuerKeyCheck.Problem(der);
        Assert.That(problem, Is.Not.Null);
        Assert.That(IssuerKeyCheck.Verify(der, Prepared("m"), Sign(Prepared("m"))), Is.False);
    }

    [Test]
    public void A_long_form_length_where_a_short_one_fits_is_refused()
    {
        // The outer SEQUENCE length 0x82 0x01 0xA2 written as 0x83 0x00 0x01 0xA2 (BER, not DER); dropping the
        // NULL parameters keeps the input under the size bound, so the parser itself must refuse it.
        var parameters = _issuer.ExportParameters(false);
        var der = SubjectPublicKeyInfo(parameters.Modulus!, parameters.Exponent!, withNullParameters: false);
        Assert.That(der[1], Is.EqualTo(0x82));
        byte[] ber = [der[0], 0x83, 0x00, .. der.AsSpan(2)];
        Assert.That(IssuerKeyCheck.Problem(ber), Is.Not.Null);
    }

    [Test]
    public void Trailing_bytes_after_the_key_are_refused()
    {
        using var small = RSA.Create(2048);
        byte[] der = [.. small.ExportSubjectPublicKeyInfo(), 0];
        Assert.That(IssuerKeyCheck.Problem(der), Does.Contain("after its DER"));
    }

    [Test]
    public void Garbage_empty_and_oversize_input_is_refused_without_an_exception()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IssuerKeyCheck.Problem([]), Is.Not.Null);
            Assert.That(IssuerKeyCheck.Problem(RandomNumberGenerator.GetBytes(300)), Is.Not.Null);
            Assert.That(IssuerKeyCheck.Problem(new byte[1 << 20]), Does.Contain("got 1048576 bytes"));
            Assert.That(IssuerKeyCheck.Problem(_issuerKey.AsSpan(0, 200)), Is.Not.Null);
            Assert.That(IssuerKeyCheck.Verify(RandomNumberGenerator.GetBytes(IssuerKeyCheck.PublicKeySize), Prepared("m"),
                new byte[IssuerKeyCheck.SignatureSize]), Is.False);
        });
    }

    [Test]
    public void Every_single_byte_change_of_a_key_is_answered_without_an_exception()
    {
        // Flipping a bit anywhere: in the structure it must be refused; in the modulus it is another valid-looking
        // key, which is fine. Either way the answer is a value, never a throw.
        var refused = 0;
        for (var i = 0; i < _issuerKey.Length; i++)
        {
            var mutated = (byte[])_issuerKey.Clone();
            mutated[i] ^= 0x01;
            if (IssuerKeyCheck.Problem(mutated) is not null)
            {
                refused++;
            }
        }

        Assert.That(refused, Is.GreaterThan(20), "the DER headers, the exponent and the modulus' parity are all checked");
    }

    [Test]
    public void A_signature_by_the_right_key_still_verifies_after_many_other_keys_went_through_the_cache()
    {
        var prepared = Prepared("m");
        var signature = Sign(prepared);
        for (var i = 0; i < 40; i++)
        {
            var junk = (byte[])_issuerKey.Clone();
            junk[^(i + 10)] ^= 0x10; // other moduli: parse, get cached, and push the cache past its bound
            Assert.That(IssuerKeyCheck.Verify(junk, prepared, signature), Is.False);
        }

        Assert.That(IssuerKeyCheck.Verify(_issuerKey, prepared, signature), Is.True);
    }

    private static byte[] SubjectPublicKeyInfo(byte[] modulus, byte[] exponent, bool withNullParameters)
    {
        var inner = new AsnWriter(AsnEncodingRules.DER);
        using (inner.PushSequence())
        {
            inner.WriteIntegerUnsigned(modulus);
            inner.WriteIntegerUnsigned(exponent);
        }

        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            using (outer.PushSequence())
            {
                outer.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                if (withNullParameters)
                {
                    outer.WriteNull();
                }
            }

            outer.WriteBitString(inner.Encode());
        }

        return outer.Encode();
    }
}
