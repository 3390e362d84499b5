using System.Numerics;
using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// What a receipt is checked against in the browser: the genesis validators and the Ed25519 signatures over them.
/// A genesis no chain could run on is refused by the page library with the node's sentence (ValidatorSet) before
/// any receipt is judged by it, and a signature is accepted exactly when libsodium on the node accepts it: the
/// cofactorless equation, a small-order R refused.
/// </summary>
[NonParallelizable]
public sealed class WebLibTrustRootTests
{
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private WebLibTool _tool = null!;

    [OneTimeSetUp]
    public void StartTheLibrary() => _tool = WebLibTool.Start();

    [OneTimeTearDown]
    public void Stop() => _tool.Dispose();

    private static IEnumerable<TestCaseData> BadGeneses()
    {
        byte[] Key(int i) => SHA256.HashData([(byte)i]);
        yield return Bad("no validators", "c", [], "A chain needs at least one validator.");
        yield return Bad("a repeated validator key", "c", [Key(1), Key(2), Key(1), Key(3)], "Validator 2 repeats an earlier validator's key.");
        yield return Bad("a 31-byte validator key", "c", [Key(1), Key(2)[..31]], "Validator 1's public key is 31 bytes, not 32.");
        yield return Bad("an empty chain id", "", [Key(1)], "The genesis names no chain id.");
        yield return Bad("a 256-byte chain id", new string('é', 128), [Key(1)], "The genesis chain id is 256 bytes of UTF-8; at most 255 are allowed.");
    }

    [TestCaseSource(nameof(BadGeneses))]
    public void A_genesis_no_chain_could_run_on_is_refused_by_the_decoder_and_by_verifyReceipt(string chainId, byte[][] keys, string sentence)
    {
        var genesis = new GenesisMessage { ChainId = chainId, GenesisTimeUnixMs = 1, Params = new ConsensusParams() };
        genesis.Validators.AddRange(keys.Select((k, i) => new ValidatorInfo { Name = $"v{i}", PublicKey = ByteString.CopyFrom(k), Endpoint = "http://127.0.0.1:1" }));
        var asObject = new { chainId, validators = keys.Select(k => new { publicKey = Convert.ToHexStringLower(k) }).ToArray() };

        Assert.That(_tool.Error(new { op = "decode-genesis", genesis = Convert.ToHexStringLower(genesis.ToByteArray()) }), Is.EqualTo(sentence));
        // A page may hand verifyReceipt a genesis of its own making: the same rule refuses it before any receipt is read.
        Assert.That(_tool.Error(new { op = "verify-receipt", receipt = new { }, genesisObject = asObject }), Is.EqualTo(sentence));
        if (sentence.StartsWith("A chain", StringComparison.Ordinal) || sentence.Contains("repeats", StringComparison.Ordinal))
        {
            // The node's own rule, with the same sentence.
            Assert.That(() => new ValidatorSet(keys), Throws.ArgumentException.With.Message.StartsWith(sentence));
        }
    }

    [Test]
    public void A_genesis_json_file_without_validators_is_refused()
    {
        const string text = """{"chain_id":"c","genesis_time":"2025-01-01T00:00:00Z","validators":[],"authorities":[]}""";

        Assert.That(_tool.Error(new { op = "genesis-json", text }), Is.EqualTo("A chain needs at least one validator."));
    }

    [Test]
    public void An_honest_signature_verifies_in_the_library_as_in_libsodium()
    {
        using var key = Ed25519KeyPair.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray());
        var message = "votechain/v1/pbft\0 commit"u8.ToArray();
        var signature = key.Sign(message);

        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.True);
        Assert.That(LibraryVerifies(signature, message, key.PublicKey), Is.True);
    }

    // The reviewer's torsion case (/tmp/wr/torsion.mjs): R' = r·B + T with T of order 8, s = r + k·a where k is
    // hashed over R'. [8]-cofactored verification accepts it; the cofactorless equation, and libsodium, do not.
    [Test]
    public void A_signature_whose_R_carries_a_torsion_component_is_refused_as_libsodium_refuses_it()
    {
        var publicKey = Convert.FromHexString("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
        var message = Convert.FromHexString("766f7465636861696e2f76312f706266740020636f6d6d6974206d657373616765207374616e642d696e");
        var signature = Convert.FromHexString("dfd3145e691e9b998cb20bd6e1790ccfbd79f23e01dc20a7349e3aec7193acf6"
            + "40b68cd99f0f53ec2ffbafb10450f93aafb312c432525cd1828ea3362b2c0f00");

        Assert.That(Ed25519.Verify(publicKey, message, signature), Is.False, "libsodium's verdict, the one to match");
        Assert.That(LibraryVerifies(signature, message, publicKey), Is.False);
    }

    // R = the identity (order 1) and s = k·a: the equation [s]B = R + [k]A holds, so only the small-order check on R
    // refuses it. Such a signature says nothing about the message: anyone who sees one can shift it.
    [Test]
    public void A_signature_with_a_small_order_R_is_refused_as_libsodium_refuses_it()
    {
        var seed = Enumerable.Repeat((byte)1, 32).ToArray();
        using var key = Ed25519KeyPair.FromSeed(seed);
        var message = "votechain/v1/pbft\0 commit"u8.ToArray();
        var identity = new byte[32];
        identity[0] = 1;
        var signature = SmallOrderSignature(seed, key.PublicKey, identity, message);

        Assert.That(Ed25519.Verify(key.PublicKey, message, signature), Is.False, "libsodium's verdict, the one to match");
        Assert.That(LibraryVerifies(signature, message, key.PublicKey), Is.False);
    }

    private bool LibraryVerifies(byte[] signature, byte[] message, byte[] publicKey) => _tool.Result(new
    {
        op = "verify-signature",
        signature = Convert.ToHexStringLower(signature),
        message = Convert.ToHexStringLower(message),
        publicKey = Convert.ToHexStringLower(publicKey),
    }).GetValue<bool>();

    /// <summary>(R, s = k·a mod L) with k = SHA-512(R ‖ A ‖ M) mod L and a the seed's clamped scalar (RFC 8032 5.1.5).</summary>
    private static byte[] SmallOrderSignature(byte[] seed, byte[] publicKey, byte[] r, byte[] message)
    {
        var h = SHA512.HashData(seed);
        h[0] &= 248;
        h[31] &= 127;
        h[31] |= 64;
        var a = new BigInteger(h.AsSpan(0, 32), isUnsigned: true);
        var k = new BigInteger(SHA512.HashData([.. r, .. publicKey, .. message]), isUnsigned: true) % L;
        var s = k * a % L;
        var sBytes = new byte[32];
        s.TryWriteBytes(sBytes, out _, isUnsigned: true);
        return [.. r, .. sBytes];
    }

    private static TestCaseData Bad(string name, string chainId, byte[][] keys, string sentence) =>
        new(chainId, keys, sentence) { TestName = $"A genesis with {name} is refused" };
}
