using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Peers;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// A real Kestrel gRPC server on 127.0.0.1 (ephemeral port, plain http) serving the node's <see cref="PeerServiceImpl"/>
/// over a real chain on disk, with whatever clock the test gives it; gossip that gets through lands in <see cref="Inbox"/>.
/// </summary>
internal sealed class PeerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;

    private PeerHost(WebApplication app, string address, RecordingInbox inbox, CancellationTokenSource stopping)
    {
        Address = address;
        var channel = GrpcChannel.ForAddress(address);
        _app = app;
        _stopping = stopping;
        Channel = channel;
        Client = new PeerService.PeerServiceClient(channel);
        Inbox = inbox;
    }

    /// <summary>The server's URL (http://127.0.0.1:port).</summary>
    public string Address { get; }

    public GrpcChannel Channel { get; }

    public PeerService.PeerServiceClient Client { get; }

    public RecordingInbox Inbox { get; }

    /// <param name="identity">The key the host proves (the chain's validator by default).</param>
    /// <param name="strangerRate">The gossip rate of peers that are not validators (none by default).</param>
    /// <param name="validators">Who counts as a validator (the chain's fixed set by default).</param>
    /// <param name="snapshots">The snapshots the host serves (none by default).</param>
    public static async Task<PeerHost> StartAsync(ApiChain chain, TimeProvider clock, Consensus.Crypto.Ed25519KeyPair? identity = null,
        SubmitRateLimiter? strangerRate = null, PeerValidators? validators = null, StateSync.ServedSnapshots? snapshots = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddGrpc();
        var inbox = new RecordingInbox();
        var stopping = new CancellationTokenSource();
        var self = new LocalPeer(identity ?? chain.Validator, ApiChain.ChainId, ApiChain.GenesisHash, "server", "http://127.0.0.1:1");
        builder.Services.AddSingleton(new PeerServiceImpl(chain.Store, inbox, validators ?? PeerValidators.Fixed(chain.Validators), self, [], clock,
            NullLogger<PeerServiceImpl>.Instance, stopping.Token) { TransactionRate = strangerRate, Snapshots = snapshots });

        var app = builder.Build();
        app.MapGrpcService<PeerServiceImpl>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PeerHost(app, address, inbox, stopping);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

/// <summary>What the peer service handed on, with the identity it was handed on under.</summary>
internal sealed class RecordingInbox : IPeerInbox
{
    private readonly List<(object Message, PeerIdentity From)> _received = [];

    public IReadOnlyList<(object Message, PeerIdentity From)> Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToList();
            }
        }
    }

    /// <summary>Closed, it holds every delivery of transactions until opened (as a node busy verifying would).</summary>
    public ManualResetEventSlim TransactionsGate { get; } = new(initialState: true);

    public void OnTransactions(IReadOnlyList<byte[]> envelopes, PeerIdentity from)
    {
        if (!TransactionsGate.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("The test never opened the transactions gate.");
        }

        lock (_received)
        {
            _received.AddRange(envelopes.Select(e => ((object)e, from)));
        }
    }

    public void OnConsensus(ConsensusMessage message, PeerIdentity from)
    {
        lock (_received)
        {
            _received.Add((message, from));
        }
    }
}

/// <summary>The system clock with every timer a hundred times shorter: a 10 s handshake deadline passes in 100 ms.</summary>
internal sealed class HurriedClock : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, Hurry(dueTime), Hurry(period));

    private static TimeSpan Hurry(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / 100;
}
