using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>The handshake's signed bytes: every bound part matters, and a Hello never passes as a Welcome or the reverse.</summary>
public sealed class HelloSigningTests
{
    private static readonly byte[] Genesis = Hashing.Sha256("genesis"u8);
    private static readonly ConnectionBinding Binding = new(Hashing.Sha256("server cert"u8), Hashing.Sha256("client cert"u8));

    private Ed25519KeyPair _clientKey = null!;
    private Ed25519KeyPair _serverKey = null!;
    private LocalPeer _client = null!;
    private LocalPeer _server = null!;
    private byte[] _serverChallenge = null!;
    private byte[] _clientChallenge = null!;

    [SetUp]
    public void SetUp()
    {
        _clientKey = Ed25519KeyPair.Generate();
        _serverKey = Ed25519KeyPair.Generate();
        _client = new LocalPeer(_clientKey, "chain", Genesis, "client", "https://127.0.0.1:1");
        _server = new LocalPeer(_serverKey, "chain", Genesis, "server", "https://127.0.0.1:2");
        _serverChallenge = HelloSigning.NewChallenge();
        _clientChallenge = HelloSigning.NewChallenge();
    }

    [TearDown]
    public void TearDown()
    {
        _clientKey.Dispose();
        _serverKey.Dispose();
    }

    private Hello Hello() => HelloSigning.CreateHello(_client, _serverKey.PublicKey, _serverChallenge, _clientChallenge, Binding);

    private string? Check(Hello hello, byte[]? challenge = null, ConnectionBinding? binding = null) =>
        HelloSigning.HelloProblem(hello, "chain", Genesis, _serverKey.PublicKey, challenge ?? _serverChallenge, binding ?? Binding);

    [Test]
    public void A_Hello_verifies_for_its_own_challenge_and_binding_only()
    {
        Assert.That(Check(Hello()), Is.Null);
        Assert.That(Check(Hello(), challenge: HelloSigning.NewChallenge()), Does.Contain("does not verify"));
        Assert.That(Check(Hello(), binding: Binding with { ServerCertificateHash = Hashing.Sha256("other"u8) }), Does.Contain("does not verify"));
        Assert.That(Check(Hello(), binding: Binding with { ClientCertificateHash = [] }), Does.Contain("does not verify"));
        Assert.That(Check(Hello(), binding: ConnectionBinding.None), Does.Contain("does not verify"));
    }

    [Test]
    public void Every_field_of_a_Hello_is_signed()
    {
        var edits = new Action<Hello>[]
        {
            h => h.Name = "mallory",
            h => h.Endpoint = "https://10.0.0.9:1",
            h => h.ClientChallenge = ByteString.CopyFrom(HelloSigning.NewChallenge()),
            h => h.PublicKey = ByteString.CopyFrom(_serverKey.PublicKey),
            h => h.RecipientKey = ByteString.CopyFrom(_clientKey.PublicKey),
        };
        foreach (var edit in edits)
        {
            var hello = Hello();
            edit(hello);
            Assert.That(Check(hello), Is.Not.Null);
        }
    }

    [Test]
    public void A_Hello_for_another_chain_or_with_oversized_fields_is_refused_before_its_signature_is_checked()
    {
        Assert.That(HelloSigning.HelloProblem(Hello(), "other", Genesis, _serverKey.PublicKey, _serverChallenge, Binding), Does.Contain("another genesis"));
        Assert.That(HelloSigning.HelloProblem(null, "chain", Genesis, _serverKey.PublicKey, _serverChallenge, Binding), Does.Contain("did not open with a Hello"));
        var longName = Hello();
        longName.Name = new string('n', HelloSigning.MaxNameBytes + 1);
        Assert.That(Check(longName), Does.Contain("malformed"));
        var shortChallenge = Hello();
        shortChallenge.ClientChallenge = ByteString.CopyFrom(new byte[8]);
        Assert.That(Check(shortChallenge), Does.Contain("malformed"));
    }

    [Test]
    public void A_Welcome_verifies_for_the_callers_challenge_binding_and_expected_key_only()
    {
        var welcome = HelloSigning.CreateWelcome(_server, Hello(), _serverChallenge, Binding);

        Assert.That(HelloSigning.WelcomeProblem(welcome, _client, _clientChallenge, _serverChallenge, Binding, _serverKey.PublicKey), Is.Null);
        Assert.That(HelloSigning.WelcomeProblem(welcome, _client, HelloSigning.NewChallenge(), _serverChallenge, Binding, null),
            Does.Contain("does not verify"));
        Assert.That(HelloSigning.WelcomeProblem(welcome, _client, _clientChallenge, _serverChallenge, ConnectionBinding.None, null),
            Does.Contain("does not verify"));
        Assert.That(HelloSigning.WelcomeProblem(welcome, _client, _clientChallenge, _serverChallenge, Binding, _clientKey.PublicKey),
            Does.Contain("not the key it announced"));
    }

    [Test]
    public void A_Hello_signed_for_another_node_is_refused_even_on_the_right_challenge_and_binding()
    {
        // What a relay hands on: a genuine Hello, over this very challenge, that names the node the caller dialed.
        using var relay = Ed25519KeyPair.Generate();
        var forRelay = HelloSigning.CreateHello(_client, relay.PublicKey, _serverChallenge, _clientChallenge, Binding);

        Assert.That(Check(forRelay), Does.Contain("names another recipient key"));

        // Naming this node after signing for the relay does not help: the recipient key is signed.
        forRelay.RecipientKey = ByteString.CopyFrom(_serverKey.PublicKey);
        Assert.That(Check(forRelay), Does.Contain("does not verify"));
    }

    [Test]
    public void A_Hello_signature_never_passes_as_a_Welcome()
    {
        // A server that echoes the caller's own Hello signature back as its Welcome proves nothing.
        var hello = Hello();
        var echoed = new Welcome { PublicKey = hello.PublicKey, Signature = hello.Signature };

        Assert.That(HelloSigning.WelcomeProblem(echoed, _client, _clientChallenge, _serverChallenge, Binding, null), Does.Contain("does not verify"));
    }
}
