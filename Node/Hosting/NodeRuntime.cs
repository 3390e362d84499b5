using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Networking.Api;
using VoteChain.Networking.Events;
using VoteChain.Networking.Limits;
using VoteChain.Networking.Mempool;
using VoteChain.Networking.Peers;
using VoteChain.Networking.StateSync;
using VoteChain.Node.Cli;
using VoteChain.Node.Driver;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The composition root of a running node: opens storage, builds the engine, mempool, peers and services, and
/// serves gRPC (public API, peers, health, reflection) on one HTTP/2 endpoint.
/// </summary>
public static class NodeRuntime
{
    public static NodeInstance Build(NodeOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var genesis = NodeFiles.LoadGenesis(options);
        var chain = new ChainContext(genesis);
        var key = NodeFiles.LoadKeys(options);

        // Before anything is opened, as the node key: a trustee key open to others stops the node with the database untouched.
        TrusteeKey? trusteeKey;
        try
        {
            trusteeKey = NodeFiles.LoadTrusteeKey(options);
        }
        catch (UserInputException)
        {
            key.Dispose();
            throw;
        }

        // Storage errors (locked folder, other chain, corruption) become one-line user errors here.
        ChainStore store;
        try
        {
            store = ChainStore.Open(options.DataDir, chain.ChainId, chain.GenesisHash);
        }
        catch (StorageException e)
        {
            key.Dispose();
            trusteeKey?.Dispose();
            throw new UserInputException(e.Message);
        }

        // The validator sets governance approved so far (docs/GOVERNANCE.md); the node's membership extends it as blocks commit.
        var schedule = Consensus.Governance.GovernanceState.Schedule(store, chain.Rules, chain.Validators);
        var latestValidators = Consensus.Governance.GovernanceState.LatestValidators(store, chain.Rules).Validators;
        key.GoBy(schedule.Sets[^1].Set);
        // Room in gossip's message bound for the set growing after this start (up to twice it, at most the cap).
        var gossipMessageBytes = PeerServiceImpl.MaxMessageBytes(genesis.Params,
            Math.Min(PeerValidators.MaxSlots, 2 * Math.Max(genesis.Validators.Count, latestValidators.Count)));

        NodeOptionsLoader.TryParseListen(options.Listen, out var listen);
        // Threads from the start for the pool's short work (gRPC reads and writes, timers) beside the signature checks, which
        // take one worker per core per batch (ParallelChecks): otherwise that work queues behind them, and the pool adds a
        // thread only every half second.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 4 * Environment.ProcessorCount + 16), io);
        // Production whatever ASPNETCORE_ENVIRONMENT says: no developer exception page on a public port.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        ConfigureLogging(builder.Logging, options, logging);
        var certificate = TlsEndpoint.LoadCertificate(options);
        builder.WebHost.ConfigureKestrel(k => KestrelLimits.Apply(k, options.Limits));
        builder.WebHost.ConfigureKestrel(k => TlsEndpoint.Listen(k, listen, certificate,
            new ConnectionsPerAddress(options.Limits.MaxConnectionsPerAddress)));
        // The browser-facing endpoint, if any (the loader has checked the address).
        System.Net.IPEndPoint? web = options.Web.Enabled && NodeOptionsLoader.TryParseListen(options.Web.Listen, out var webListen)
            ? webListen
            : null;
        if (web is not null)
        {
            builder.WebHost.ConfigureKestrel(k => TlsEndpoint.ListenWeb(k, web, certificate,
                new ConnectionsPerAddress(options.Limits.MaxConnectionsPerAddress)));
        }

        builder.Services.AddNodeGrpc()
            .AddServiceOptions<ApiService>(o => o.MaxReceiveMessageSize = KestrelLimits.ApiServiceMessageBytes(options))
            .AddServiceOptions<PeerServiceImpl>(o => o.MaxReceiveMessageSize = gossipMessageBytes);
        builder.Services.AddGrpcHealthChecks().AddCheck<ConsensusHealthCheck>("consensus");
        builder.Services.AddGrpcReflection();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        SignStateSetup? signing;
        try
        {
            // Every node that may sign keeps a sign-state, also one whose key is in no set yet: it signs once governance adds it.
            var served = schedule.Sets.Any(s => key.Keys.Any(k => s.Set.IndexOf(k.PublicKey) is not null))
                || key.Keys.Any(k => Consensus.Governance.GovernanceState.IsRetired(store, k.PublicKey));
            signing = SignStateStartup.Open(options, store, chain, !options.Observer, served);
        }
        catch (UserInputException)
        {
            store.Dispose();
            key.Dispose();
            trusteeKey?.Dispose();
            throw;
        }

        var clock = TimeProvider.System;
        var events = new ChainEvents(store.Height);
        var mempool = new Mempool(chain.ChainId, chain.Rules, store,
            () => new BlockContext(store.Height + 1, clock.GetUtcNow().ToUnixTimeMilliseconds()),
            new MempoolLimits(options.Mempool.MaxTxs, options.Mempool.MaxBytes, options.Mempool.MaxTxBytes));
        var ownEntry = latestValidators.Concat(genesis.Validators).FirstOrDefault(v => key.Keys.Any(k => v.PublicKey.Span.SequenceEqual(k.PublicKey)));
        var advertised = ownEntry?.Endpoint ?? $"{TlsEndpoint.Scheme(certificate)}://{options.Listen}";
        var self = new LocalPeer(key, chain.ChainId, chain.GenesisHash, options.Name, advertised);
        // Every validator ever listed, as the latest set lists it (a rotated one proves its new key at its endpoint).
        var validatorEndpoints = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>(
            PeerDialing.KeysByEndpoint(genesis.Validators), StringComparer.OrdinalIgnoreCase);
        foreach (var validator in latestValidators)
        {
            validatorEndpoints[validator.Endpoint] = validator.PublicKey.ToByteArray();
        }

        var peerUrls = validatorEndpoints.Keys.Where(url => !string.Equals(url, ownEntry?.Endpoint, StringComparison.OrdinalIgnoreCase))
            .Concat(options.Peers);
        // The peers exist before the host does, so they get a logger factory of their own, set up the same way:
        // a peer set aside by sync, or lost, is worth a line in the node's log.
        var peerLoggers = LoggerFactory.Create(l => ConfigureLogging(l, options, logging));
        var peers = new PeerNetwork(peerUrls, new PeerDialing(self, certificate, validatorEndpoints), peerLoggers,
            KestrelLimits.Peers(options.Limits, genesis.Params));

        var largeAnswers = new LargeAnswerSlots(options.Limits.MaxLargeAnswers, options.Limits.MaxLargeAnswersPerAddress,
            TimeSpan.FromSeconds(options.Limits.LargeAnswerSeconds));
        var submitRate = new SubmitRateLimiter(options.Limits.SubmitRatePerSecond, options.Limits.SubmitBurst);
        var peerTransactionRate = new SubmitRateLimiter(options.Limits.PeerTransactionRatePerSecond,
            (int)Math.Min(int.MaxValue, 2L * options.Limits.PeerTransactionRatePerSecond));
        var validatorTransactionRate = new ValidatorTransactionRate(options.Limits.ValidatorTransactionRatePerSecond,
            (int)Math.Min(int.MaxValue, 2L * options.Limits.ValidatorTransactionRatePerSecond));
        var handshakeRate = new SubmitRateLimiter(options.Limits.HandshakeRatePerSecond, options.Limits.HandshakeBurst);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(KestrelLimits.Bounds(options, gossipMessageBytes));
        builder.Services.AddSingleton(chain);
        builder.Services.AddSingleton(mempool);
        builder.Services.AddSingleton(events);
        builder.Services.AddSingleton(peers);
        builder.Services.AddSingleton(new FetchedTransactions(chain, schedule));
        builder.Services.AddSingleton(s => new NodeMembership(chain, store, schedule, peers, validatorEndpoints, key,
            s.GetRequiredService<ILogger<NodeMembership>>()) { TickMs = options.TickMs });
        builder.Services.AddSingleton(s =>
        {
            var executor = new ChainExecutor(chain, store, mempool, s.GetRequiredService<FetchedTransactions>(), clock,
                s.GetRequiredService<ILogger<ChainExecutor>>());
            var engine = new PbftEngine(EngineConfig(chain, options, schedule,
                Consensus.Governance.GovernanceState.ParamsAt(store, chain.Rules, store.Height + 1)), executor, options.Observer ? (IReadOnlyList<ISigner>)[] : key.Keys,
                store.Height, store.HeadHash, signing?.Restored);
            return new ConsensusDriver(engine, store, signing?.File, mempool, executor, new BlockProducer(chain, store, mempool, executor, clock), peers,
                events, new EvidenceRecorder(store.Evidence, chain, clock, schedule, store), TimeSpan.FromMilliseconds(options.TickMs),
                s.GetRequiredService<IHostApplicationLifetime>(),
                s.GetRequiredService<ILogger<ConsensusDriver>>(), options.Limits.InboxPeerBytes, s.GetRequiredService<NodeMembership>());
        });
        builder.Services.AddHostedService(s => s.GetRequiredService<ConsensusDriver>());
        builder.Services.AddSingleton<BlockSyncer>();
        builder.Services.AddHostedService(s => s.GetRequiredService<BlockSyncer>());
        builder.Services.AddHostedService(_ => new NativeHeapTrimmer(clock));
        builder.Services.AddHostedService(s => new Backup.AdminEndpoint(options.AdminSocket, store, s.GetRequiredService<ILogger<Backup.AdminEndpoint>>()));
        // Snapshots for peers that start by state sync (docs/STATE-SYNC.md); an interval of 0 takes and serves none.
        var snapshots = options.StateSync.SnapshotInterval > 0
            ? new ServedSnapshots(new Storage.Snapshots.SnapshotStore(options.StateSync.SnapshotDir, options.StateSync.SnapshotsKept))
            : null;
        if (snapshots is not null)
        {
            builder.Services.AddHostedService(s => new StateSync.SnapshotMaker(store, snapshots, events, options.StateSync.SnapshotInterval,
                s.GetRequiredService<ILogger<StateSync.SnapshotMaker>>()));
        }

        builder.Services.AddSingleton<NodeInbox>();
        builder.Services.AddSingleton<IPeerInbox>(s => s.GetRequiredService<NodeInbox>());
        builder.Services.AddSingleton<INodeStatusSource>(s => new NodeStatusSource(chain, options, store, mempool, peers,
            s.GetRequiredService<ConsensusDriver>(), s.GetRequiredService<BlockSyncer>(), !options.Observer));
        builder.Services.AddSingleton(s => new PeerServiceImpl(store, s.GetRequiredService<IPeerInbox>(), new PeerValidators(schedule, () => store.Height + 1),
            self, Networking.Peers.ConnectionBinding.HashOf(certificate), clock, s.GetRequiredService<ILogger<PeerServiceImpl>>(),
            s.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping)
        {
            TransactionRate = peerTransactionRate,
            ValidatorRate = validatorTransactionRate,
            HandshakeRate = handshakeRate,
            LargeAnswers = largeAnswers,
            Snapshots = snapshots,
        });
        builder.Services.AddSingleton(s => new ApiService(store, mempool, events, s.GetRequiredService<INodeStatusSource>(),
            (envelope, txId) => s.GetRequiredService<NodeInbox>().Accepted(envelope, txId))
        {
            RateLimiter = submitRate,
            LargeAnswers = largeAnswers,
            Genesis = chain.Genesis,
        });

        if (trusteeKey is not null)
        {
            builder.Services.AddHostedService(s => new TrusteeService(trusteeKey,
                new NodeTrusteeChain(chain.ChainId, chain.GenesisHash, store, mempool, s.GetRequiredService<NodeInbox>().Accepted),
                events, clock, s.GetRequiredService<ILogger<TrusteeService>>()));
        }

        var app = builder.Build();
        if (web is not null)
        {
            Web.WebPortFilter.UseWebPortFilter(app, web.Port);
        }

        app.UseRequestGuard(app.Services.GetRequiredService<RequestBounds>());
        LargeAnswerSlots.UseLargeAnswerSlots(app);
        app.MapGrpcService<PeerServiceImpl>();
        app.MapGrpcService<ApiService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        if (web is not null)
        {
            Web.OpenApiDocument.Map(app, web.Port);
            if (options.Web.Ui)
            {
                Web.WebPages.Map(app, web.Port);
            }

            if (options.Web.Metrics)
            {
                Metrics.MetricsEndpoint.Map(app, web.Port, options.Mempool.MaxTxs);
            }
        }

        app.Lifetime.ApplicationStarted.Register(peers.Start);
        app.Lifetime.ApplicationStopping.Register(events.Close);
        return new NodeInstance(app, options,
            [peers, peerLoggers, store, key, .. trusteeKey is null ? Array.Empty<object>() : [trusteeKey], submitRate, peerTransactionRate, validatorTransactionRate, handshakeRate, .. certificate is null ? Array.Empty<object>() : [certificate]]);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, NodeOptions options, Action<ILoggingBuilder>? more)
    {
        logging.ClearProviders();
        if (NodeLogFormat.IsJson(options.LogFormat))
        {
            // One object per line, times in UTC with the date: a shipper reads each line on its own.
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        }

        logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("Grpc", LogLevel.Warning);
        more?.Invoke(logging);
    }

    /// <param name="schedule">The validator sets governance approved so far (docs/GOVERNANCE.md); the engine grows a copy.</param>
    /// <param name="parameters">The consensus parameters in force at the node's next height (genesis's, or a governance change's).</param>
    internal static PbftConfig EngineConfig(ChainContext chain, NodeOptions options, ValidatorSchedule schedule, ConsensusParams parameters)
    {
        var tick = Math.Max(1, options.TickMs);
        var timing = EngineTiming.From(parameters, tick);
        return new PbftConfig(chain.ChainId, chain.Validators, BlockLimits.From(chain.Params))
        {
            Schedule = schedule.Copy(),
            ViewTimeoutTicks = timing.ViewTimeoutTicks,
            BlockIntervalTicks = timing.BlockIntervalTicks,
            RebroadcastTicks = Math.Max(2, 1000 / tick),
        };
    }
}
