using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// The peer service's side of the handshake over real gRPC on 127.0.0.1: nothing is handed on before a Hello signed
/// over this stream's challenge, and a challenge left unanswered expires.
/// </summary>
public sealed class PeerHandshakeServerTests
{
    private string _folder = "";
    private ApiChain _chain = null!;
    private PeerHost _host = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _host = await PeerHost.StartAsync(_chain, new HurriedClock());
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        _chain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private LocalPeer Validator => new(_chain.Validator, ApiChain.ChainId, ApiChain.GenesisHash, "validator", "http://127.0.0.1:2");

    private AsyncDuplexStreamingCall<PeerMessage, GossipReply> Open() => _host.Client.Gossip(deadline: DateTime.UtcNow.AddSeconds(20));

    [Test]
    public async Task A_challenge_left_unanswered_expires_and_ends_the_stream()
    {
        using var call = Open();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        Assert.That(call.ResponseStream.Current.Challenge, Has.Length.EqualTo(HelloSigning.ChallengeSize));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(refused.Status.Detail, Does.StartWith("no Hello within 10 s"));
    }

    [Test]
    public async Task A_stream_that_opens_with_gossip_instead_of_a_Hello_is_refused_and_nothing_is_handed_on()
    {
        using var call = Open();
        await call.ResponseStream.MoveNext(CancellationToken.None);
        await call.RequestStream.WriteAsync(new PeerMessage { Transaction = ByteString.CopyFrom(new byte[100]) });

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.PermissionDenied));
        Assert.That(refused.Status.Detail, Does.Contain("did not open with a Hello"));
        Assert.That(_host.Inbox.Received, Is.Empty);
    }

    [Test]
    public async Task After_the_handshake_gossip_is_handed_on_under_the_proven_validator_identity()
    {
        using var call = Open();
        var proven = await ClientHandshake.RunAsync(call, Validator, () => ConnectionBinding.None, _chain.Validator.PublicKey, CancellationToken.None);
        await call.RequestStream.WriteAsync(new PeerMessage { Transaction = ByteString.CopyFrom(Hashing.Sha256("tx"u8)) });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False, "nothing follows the Welcome");

        Assert.That(proven, Is.EqualTo(_chain.Validator.PublicKey), "the server proved its own key");
        var received = _host.Inbox.Received;
        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].From.PublicKey, Is.EqualTo(_chain.Validator.PublicKey));
        Assert.That(received[0].From.ValidatorIndex, Is.Zero);
    }
}
