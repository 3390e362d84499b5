using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Anonymous;

/// <summary>
/// A <see cref="TestChain"/> with an anonymous election's parts: issuers (Ed25519 keys that sign poll book entries),
/// their RSA-3072 keys per weight, and helpers that build poll book entries and registrations. The issuers' signatures
/// here are plain RSA-PSS signatures over the prepared message: exactly what blind signing and finalizing produce (the
/// blind flow itself is tested in Node.Tests, which holds the BouncyCastle side).
/// </summary>
internal sealed class AnonymousTestChain : IDisposable
{
    public const string Id = "anon";

    /// <summary>When issuing closes (and registering opens) unless a test sets other times: a minute into the chain.</summary>
    public const long IssuingCloses = TestChain.Start + 60_000;

    // RSA-3072 keys take a while to make: one set for the whole test run, by (issuer, weight).
    private static readonly Dictionary<(int Issuer, ulong Weight), RSA> WeightKeys = [];

    public AnonymousTestChain(int issuers = 2)
    {
        Chain = new TestChain();
        Issuers = [.. Enumerable.Range(0, issuers).Select(i => Chain.Key(2_000_000 + i))];
    }

    public TestChain Chain { get; }

    public IReadOnlyList<Ed25519KeyPair> Issuers { get; }

    public static RSA WeightKey(int issuer, ulong weight)
    {
        lock (WeightKeys)
        {
            if (!WeightKeys.TryGetValue((issuer, weight), out var key))
            {
                WeightKeys[(issuer, weight)] = key = RSA.Create(3072);
            }

            return key;
        }
    }

    public static byte[] PublicKey(RSA key) => key.ExportSubjectPublicKeyInfo();

    /// <summary>The key's <see cref="IssuerKeyProof"/>: e-th roots of its challenges, from its private exponent.</summary>
    public static byte[] ValidityProof(RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var n = new System.Numerics.BigInteger(parameters.Modulus, isUnsigned: true, isBigEndian: true);
        var d = new System.Numerics.BigInteger(parameters.D, isUnsigned: true, isBigEndian: true);
        var proof = new byte[IssuerKeyProof.ProofSize];
        var challenges = IssuerKeyProof.Challenges(PublicKey(key));
        for (var i = 0; i < challenges.Length; i++)
        {
            var root = System.Numerics.BigInteger.ModPow(new System.Numerics.BigInteger(challenges[i], isUnsigned: true, isBigEndian: true), d, n)
                .ToByteArray(isUnsigned: true, isBigEndian: true);
            root.CopyTo(proof, (i + 1) * IssuerKeyCheck.SignatureSize - root.Length);
        }

        return proof;
    }

    public VerifiedTx Create(string id = Id, long issuingClosesAt = IssuingCloses, long registrationOpensAt = 0,
        IEnumerable<Ed25519KeyPair>? issuers = null, bool allowRevote = false)
    {
        var tx = Chain.CreateElection(id, allowRevote: allowRevote);
        var create = tx.Payload.CreateElection.Clone();
        create.Anonymous = new AnonymousSettings
        {
            IssuingClosesAtUnixMs = issuingClosesAt,
            RegistrationOpensAtUnixMs = registrationOpensAt,
        };
        create.Anonymous.Issuers.AddRange((issuers ?? Issuers).Select(k => ByteString.CopyFrom(k.PublicKey)));
        return Chain.Signed(Chain.Authority, new TxPayload { CreateElection = create });
    }

    /// <summary>Moves block time to when registering opens (by default: when issuing closes).</summary>
    public void OpenRegistration(long at = IssuingCloses) => Chain.Time = Math.Max(Chain.Time, at);

    /// <summary>
    /// Issuer <paramref name="issuer"/>'s poll book entry for <paramref name="identity"/>, signed by the identity, naming
    /// <paramref name="key"/> (default: the issuer's key for the weight) with a proof made by <paramref name="proofKey"/>
    /// (default: that same key).
    /// </summary>
    public VerifiedTx Served(int issuer, Ed25519KeyPair identity, ulong weight, string id = Id, RSA? key = null,
        ISigner? identitySigner = null, ISigner? signer = null, byte[]? requestHash = null, RSA? proofKey = null, byte[]? validity = null)
    {
        key ??= WeightKey(issuer, weight);
        var weightKey = PublicKey(key);
        requestHash ??= Hashing.Sha256(RandomNumberGenerator.GetBytes(32));
        var issuerKey = Issuers[issuer];
        var proof = AnonymousSigning.WeightKeyProof(TestChain.ChainId, id, (signer ?? issuerKey).PublicKey, weight);
        var request = AnonymousSigning.Request(TestChain.ChainId, id, issuerKey.PublicKey, weightKey, requestHash);
        var served = new CredentialServed
        {
            ElectionId = id,
            Identity = ByteString.CopyFrom(identity.PublicKey),
            WeightKey = ByteString.CopyFrom(weightKey),
            RequestHash = ByteString.CopyFrom(requestHash),
            RequestSignature = ByteString.CopyFrom((identitySigner ?? identity).Sign(request)),
            WeightKeyProof = ByteString.CopyFrom((proofKey ?? key).SignData(proof, HashAlgorithmName.SHA384, RSASignaturePadding.Pss)),
            WeightKeyValidity = ByteString.CopyFrom(validity ?? ValidityProofOf(key)),
        };
        return Chain.Signed(signer ?? issuerKey, new TxPayload { CredentialServed = served });
    }

    // Validity proofs cost 8 private-exponent powers in managed code: one per key for the whole run.
    private static readonly Dictionary<RSA, byte[]> ValidityProofs = [];

    private static byte[] ValidityProofOf(RSA key)
    {
        lock (ValidityProofs)
        {
            if (!ValidityProofs.TryGetValue(key, out var proof))
            {
                ValidityProofs[key] = proof = key.KeySize == IssuerKeyCheck.KeyBits ? ValidityProof(key) : new byte[IssuerKeyProof.ProofSize];
            }

            return proof;
        }
    }

    /// <summary>Every issuer serves <paramref name="identity"/>.</summary>
    public VerifiedTx[] ServedByAll(Ed25519KeyPair identity, ulong weight, string id = Id) =>
        [.. Enumerable.Range(0, Issuers.Count).Select(i => Served(i, identity, weight, id))];

    /// <summary>Every issuer's signature on the credential message, each with its key for <paramref name="signedWeight"/>.</summary>
    public IssuerSignature[] Signatures(Ed25519KeyPair credential, ulong weight, string id = Id, ulong? signedWeight = null)
    {
        var message = AnonymousSigning.CredentialMessage(TestChain.ChainId, id, weight, credential.PublicKey);
        return [.. Enumerable.Range(0, Issuers.Count).Select(i => Sign(WeightKey(i, signedWeight ?? weight), message))];
    }

    public static IssuerSignature Sign(RSA key, byte[] message)
    {
        var prefix = RandomNumberGenerator.GetBytes(AnonymousSigning.PrefixSize);
        var signature = key.SignData(AnonymousSigning.Prepared(prefix, message), HashAlgorithmName.SHA384, RSASignaturePadding.Pss);
        return new IssuerSignature { Prefix = ByteString.CopyFrom(prefix), Signature = ByteString.CopyFrom(signature) };
    }

    public VerifiedTx Register(Ed25519KeyPair credential, ulong weight, IEnumerable<IssuerSignature>? signatures = null, string id = Id)
    {
        var register = new RegisterAnonymousCredential { ElectionId = id, Weight = weight };
        register.Signatures.AddRange(signatures ?? Signatures(credential, weight, id));
        return Chain.Signed(credential, new TxPayload { RegisterAnonymous = register });
    }

    public void Dispose() => Chain.Dispose();
}
