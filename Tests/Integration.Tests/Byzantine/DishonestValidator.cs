using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// A test-only validator that holds a genesis validator's real key and port but runs no node: its own minimal peer
/// server on 127.0.0.1 receives the honest validators' gossip, and its own gossip streams (handshake, then
/// consensus messages after the same handshake as any validator's) carry whatever its <see cref="IAttack"/> crafts, and an attack that lies about sync answers the
/// heads and blocks others ask it for. Everything goes over real gRPC.
/// </summary>
internal sealed class DishonestValidator : IAsyncDisposable
{
    private readonly Ed25519KeyPair _key;
    private readonly WebApplication _server;
    private readonly CancellationTokenSource _stop;
    private readonly List<GossipLink> _links = [];
    private Task _attackRun = Task.CompletedTask;
    private IAttack? _attack;

    private DishonestValidator(Ed25519KeyPair key, WebApplication server, CancellationTokenSource stop)
    {
        _key = key;
        _server = server;
        _stop = stop;
    }

    /// <summary>The first exception the attack threw: a broken attacker must fail the test, not quietly do nothing.</summary>
    public Exception? Fault { get; private set; }

    /// <param name="slot">The network slot whose key and port this peer takes; that slot must never be started.</param>
    /// <param name="honest">The slots of the honest validators it dials.</param>
    public static async Task<DishonestValidator> StartAsync(TestNetwork net, int slot, IEnumerable<int> honest,
        Func<AttackContext, IAttack> attack)
    {
        var genesis = GenesisFile.Load(net.GenesisPath(slot));
        var validators = ValidatorSet.From(genesis);
        var key = KeyFile.Load(Path.Combine(net.Home(slot), "config", "node_key.json"));
        var index = (uint)(validators.IndexOf(key.PublicKey) ?? throw new InvalidOperationException($"slot {slot} is not a validator"));
        var stop = new CancellationTokenSource();
        DishonestValidator? self = null;
        var peer = new LocalPeer(key, genesis.ChainId, GenesisHash.Of(genesis), $"node{slot}-dishonest", genesis.Validators[(int)index].Endpoint);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, net.Port(slot), l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton(_ => new ByzantinePeerService(peer, validators, m => self!.OnReceived(m), () => self!._attack as ISyncAnswers,
            e => self!.Fault ??= e, stop.Token));
        var server = builder.Build();
        server.MapGrpcService<ByzantinePeerService>();
        self = new DishonestValidator(key, server, stop);
        try
        {
            var context = new AttackContext(index, new MessageFactory(genesis.ChainId, key, index), validators, self.Broadcast);
            self._attack = attack(context);
            foreach (var node in honest)
            {
                self._links.Add(new GossipLink(net.Url(node), peer));
            }

            await server.StartAsync().ConfigureAwait(false);
            self._attackRun = Task.Run(() => self.RunAttackAsync(stop.Token));
            return self;
        }
        catch
        {
            await self.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Broadcast(ConsensusMessage message)
    {
        foreach (var link in _links)
        {
            link.Send(message);
        }
    }

    private void OnReceived(ConsensusMessage message)
    {
        try
        {
            _attack?.OnMessage(message);
        }
        catch (Exception e)
        {
            // A bug in the attacker is kept for the test to report, not lost on a server thread.
            Fault ??= e;
        }
    }

    private async Task RunAttackAsync(CancellationToken stop)
    {
        try
        {
            await _attack!.RunAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped with the test.
        }
        catch (Exception e)
        {
            Fault ??= e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _attackRun.ConfigureAwait(false);
        foreach (var link in _links)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        (_attack as IDisposable)?.Dispose();
        _stop.Dispose();
        _key.Dispose();
    }
}
