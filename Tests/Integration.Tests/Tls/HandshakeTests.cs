using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Node.Tls;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Tls;

/// <summary>
/// The gossip handshake attacked over real gRPC on 127.0.0.1: validator 0 runs as a real node, the test holds
/// validator 1's key and certificate (as an honest peer would) and plays the attacker with them.
/// </summary>
public sealed class HandshakeTests
{
    private TestNetwork _network = null!;
    private Ed25519KeyPair _key = null!;
    private LocalPeer _self = null!;
    private byte[] _serverKey = null!;

    private async Task StartAsync(bool tls)
    {
        _network = TestNetwork.Create(validators: 4, observers: 0, tls: tls);
        await _network.StartAsync(0);
        _key = KeyFile.Load(Path.Combine(_network.Home(1), "config", "node_key.json"));
        var genesis = GenesisFile.Load(_network.GenesisPath(0));
        _self = new LocalPeer(_key, genesis.ChainId, GenesisHash.Of(genesis), "node1", genesis.Validators[1].Endpoint);
        _serverKey = genesis.Validators[0].PublicKey.ToByteArray();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _key?.Dispose();
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_Hello_captured_on_one_connection_and_replayed_on_another_is_refused_and_its_stream_carries_nothing(bool tls)
    {
        await StartAsync(tls);
        using var genuine = Dial();
        using var genuineCall = genuine.Open();
        var challenge = await PeerDialer.ChallengeAsync(genuineCall);
        var captured = HelloSigning.CreateHello(_self, _serverKey, challenge, HelloSigning.NewChallenge(), genuine.Binding);
        await genuineCall.RequestStream.WriteAsync(new PeerMessage { Hello = captured });
        Assert.That(await genuineCall.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        Assert.That(genuineCall.ResponseStream.Current.KindCase, Is.EqualTo(GossipReply.KindOneofCase.Welcome), "the genuine Hello is taken");

        using var replay = Dial();
        using var replayCall = replay.Open();
        await PeerDialer.ChallengeAsync(replayCall);
        await replayCall.RequestStream.WriteAsync(new PeerMessage { Hello = captured });
        var (first, second) = Equivocation();
        await WriteIgnoringRefusalAsync(replayCall, first, second);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await replayCall.ResponseStream.MoveNext(CancellationToken.None));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(refused.Status.Detail, Does.Contain("does not verify for this connection"));
        Assert.That((await _network.Api(0).GetStatusAsync(new GetStatusRequest())).EvidenceCount, Is.Zero,
            "the replayed stream's consensus messages were not taken as validator 1's");

        // The same messages on the genuine stream are taken: the refusal above is the handshake's doing.
        await genuineCall.RequestStream.WriteAsync(new PeerMessage { Consensus = first });
        await genuineCall.RequestStream.WriteAsync(new PeerMessage { Consensus = second });
        await Eventually.HoldsAsync(async () => (await _network.Api(0).GetStatusAsync(new GetStatusRequest())).EvidenceCount == 1,
            TimeSpan.FromSeconds(20), () => "node 0 to record validator 1's equivocation from the genuine stream");
    }

    [TestCase(true, TestName = "A_Hello_bound_to_another_server_certificate_is_refused")]
    [TestCase(false, TestName = "A_Hello_bound_to_another_client_certificate_is_refused")]
    public async Task A_Hello_bound_to_another_certificate_is_refused(bool serverSide)
    {
        await StartAsync(tls: true);
        using var dialer = Dial();
        using var call = dialer.Open();
        var challenge = await PeerDialer.ChallengeAsync(call);
        // What a man in the middle makes the victim sign: the binding of the victim's own TLS session with it.
        using var attacker = TlsCertificates.CreateSelfSigned("mitm", []);
        var real = dialer.Binding;
        var forged = serverSide
            ? real with { ServerCertificateHash = ConnectionBinding.HashOf(attacker) }
            : real with { ClientCertificateHash = ConnectionBinding.HashOf(attacker) };
        await call.RequestStream.WriteAsync(new PeerMessage { Hello = HelloSigning.CreateHello(_self, _serverKey, challenge, HelloSigning.NewChallenge(), forged) });

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
    }

    [Test]
    public async Task A_peer_that_proves_another_key_than_its_genesis_endpoint_names_is_refused_by_the_dialer()
    {
        await StartAsync(tls: true);
        var genesis = GenesisFile.Load(_network.GenesisPath(0));

        using var right = Dial();
        using var rightCall = right.Open();
        var proven = await ClientHandshake.RunAsync(rightCall, _self, () => right.Binding, genesis.Validators[0].PublicKey.ToByteArray(),
            CancellationToken.None);
        Assert.That(proven, Is.EqualTo(genesis.Validators[0].PublicKey.ToByteArray()), "node 0 proves its own key");

        using var wrong = Dial();
        using var wrongCall = wrong.Open();
        var refused = await Assert.ThrowsAsync<PeerHandshakeException>(() => ClientHandshake.RunAsync(wrongCall, _self, () => wrong.Binding,
            genesis.Validators[2].PublicKey.ToByteArray(), CancellationToken.None));
        Assert.That(refused!.Message, Does.Contain("not the genesis validator's key"));
    }

    [Test]
    public async Task A_peer_without_a_client_certificate_handshakes_over_TLS_with_the_server_certificate_bound()
    {
        await StartAsync(tls: true);
        var genesis = GenesisFile.Load(_network.GenesisPath(0));
        using var dialer = new PeerDialer(_network.Url(0), clientCertificate: null);
        using var call = dialer.Open();

        var proven = await ClientHandshake.RunAsync(call, _self, () => dialer.Binding, genesis.Validators[0].PublicKey.ToByteArray(),
            CancellationToken.None);

        Assert.That(proven, Is.EqualTo(genesis.Validators[0].PublicKey.ToByteArray()));
        Assert.That(dialer.Binding.ServerCertificateHash, Has.Length.EqualTo(32));
        Assert.That(dialer.Binding.ClientCertificateHash, Is.Empty);
    }

    private PeerDialer Dial() => new(_network.Url(0), _network.Tls ? PeerDialer.CertificateOf(_network.Home(1)) : null);

    /// <summary>Two Prepares by validator 1 for different blocks at height 1: evidence once a node takes both.</summary>
    private (ConsensusMessage First, ConsensusMessage Second) Equivocation() =>
        (Prepare(Hashing.Sha256("block a"u8)), Prepare(Hashing.Sha256("block b"u8)));

    private ConsensusMessage Prepare(byte[] blockHash) => new()
    {
        PhaseVote = new PhaseVote
        {
            Kind = PhaseVoteKind.Prepare,
            Height = 1,
            View = 0,
            BlockHash = ByteString.CopyFrom(blockHash),
            Sender = 1,
            Signature = ByteString.CopyFrom(_key.Sign(MessageSigning.Bytes(SignStep.Prepare, TestNetwork.ChainId, 1, 0, blockHash))),
        },
    };

    /// <summary>Writes after a refused Hello may fail once the server has ended the call; the attacker keeps trying anyway.</summary>
    private static async Task WriteIgnoringRefusalAsync(AsyncDuplexStreamingCall<PeerMessage, GossipReply> call, params ConsensusMessage[] messages)
    {
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(new PeerMessage { Consensus = message });
            }
        }
        catch (RpcException)
        {
            // The server ended the stream at the Hello: nothing after it can be delivered.
        }
        catch (InvalidOperationException)
        {
            // Same, seen as a write on a completed call.
        }
    }
}
