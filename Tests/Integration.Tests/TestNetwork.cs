using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Genesis;
using VoteChain.Node.Hosting;
using VoteChain.Node.Keys;
using VoteChain.Node.Tls;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>
/// A network of real nodes on 127.0.0.1 with homes in a temp folder: validators listed in a fresh genesis,
/// observers that follow them, and an election authority key for the tests to sign with.
/// </summary>
internal sealed class TestNetwork : IAsyncDisposable
{
    public const string ChainId = "itest";

    private readonly List<NodeSlot> _nodes = [];
    private readonly List<GrpcChannel> _channels = [];

    private TestNetwork(string root, Ed25519KeyPair authority)
    {
        Root = root;
        Authority = authority;
    }

    public string Root { get; }

    public Ed25519KeyPair Authority { get; }

    public int Count => _nodes.Count;

    /// <param name="tls">Serve https:// with node certificates issued by a test CA (<see cref="TlsCaPath"/>).</param>
    /// <param name="web">Give every node a web endpoint (<see cref="WebUrl"/>): the JSON API over plain HTTP.</param>
    /// <param name="metrics">With <paramref name="web"/>: serve /metrics there (web.metrics).</param>
    /// <param name="ui">With <paramref name="web"/>: serve the pages there (web.ui).</param>
    public static TestNetwork Create(int validators, int observers, uint proposeTimeoutMs = 1_000, bool tls = false, bool web = false,
        bool metrics = true, bool ui = true)
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-it-" + Guid.NewGuid().ToString("N")[..8]);
        var network = new TestNetwork(root, Ed25519KeyPair.Generate()) { Tls = tls };
        using var authority = tls ? TlsCertificates.CreateAuthority("itest CA") : null;
        if (authority is not null)
        {
            TlsFiles.SaveCertificate(authority, network.TlsCaPath);
        }

        var genesis = new Protos.V1.Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(),
            Params = GenesisDefaults.Params(),
        };
        genesis.Params.ProposeTimeoutMs = proposeTimeoutMs;
        genesis.Params.BlockIntervalMs = 0;
        genesis.Authorities.Add(ByteString.CopyFrom(network.Authority.PublicKey));
        for (var i = 0; i < validators + observers; i++)
        {
            var home = Path.Combine(root, $"node{i}");
            var port = FreePort();
            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(Path.Combine(home, "config", "node_key.json"), key);
            if (i < validators)
            {
                genesis.Validators.Add(new ValidatorInfo { Name = $"node{i}", PublicKey = ByteString.CopyFrom(key.PublicKey), Endpoint = network.UrlOf(port) });
            }

            if (authority is not null)
            {
                using var certificate = TlsCertificates.Issue(authority, $"node{i}", []);
                TlsConfig.Save(home, certificate);
            }

            network._nodes.Add(new NodeSlot(home, port, i >= validators) { WebPort = web ? FreePort() : null });
        }

        foreach (var node in network._nodes)
        {
            var peers = node.Observer ? genesis.Validators.Select(v => v.Endpoint).ToList() : [];
            var config = new Dictionary<string, object>
            {
                ["name"] = Path.GetFileName(node.Home),
                ["listen"] = $"127.0.0.1:{node.Port}",
                ["peers"] = peers,
                ["log_level"] = "Warning",
                ["tick_ms"] = 20,
            };
            if (tls)
            {
                config["tls"] = new Dictionary<string, string> { ["certificate"] = TlsConfig.CertificateFile, ["key"] = TlsConfig.KeyFile };
            }

            if (node.WebPort is { } webPort)
            {
                config["web"] = new Dictionary<string, string>
                {
                    ["listen"] = $"127.0.0.1:{webPort}",
                    ["metrics"] = metrics ? "true" : "false",
                    ["ui"] = ui ? "true" : "false",
                };
            }

            File.WriteAllText(Path.Combine(node.Home, "config", "node.json"), JsonSerializer.Serialize(config));
            GenesisFile.CreateNew(Path.Combine(node.Home, "config", "genesis.json"), genesis);
        }

        return network;
    }

    public bool Tls { get; private init; }

    /// <summary>The test CA's certificate (PEM) that issued every node's certificate, when the network runs TLS.</summary>
    public string TlsCaPath => Path.Combine(Root, "tls-ca.crt");

    public string Url(int node) => UrlOf(_nodes[node].Port);

    /// <summary>The node's web endpoint (created with web: true).</summary>
    public string WebUrl(int node) => UrlOf(_nodes[node].WebPort ?? throw new InvalidOperationException("the network was created without web endpoints"));

    private string UrlOf(int port) => $"{(Tls ? "https" : "http")}://127.0.0.1:{port}";

    /// <summary>The slot's home folder (config/node_key.json, config/genesis.json): a test-only peer that never starts
    /// as a real node can take a validator's key, port and genesis from here.</summary>
    public string Home(int node) => _nodes[node].Home;

    public int Port(int node) => _nodes[node].Port;

    public string GenesisPath(int node) => Path.Combine(_nodes[node].Home, "config", "genesis.json");

    public bool IsRunning(int node) => _nodes[node].App is not null;

    /// <summary>Why the node's consensus driver stopped it, or null. A node stopped that way stays up here (nothing waits for
    /// its shutdown, unlike <c>votechain start</c>), so a test must ask.</summary>
    public string? Fatal(int node) => _nodes[node].App?.Fatal;

    /// <summary>The running node's services (null when stopped), for tests that read a node's own counters.</summary>
    public IServiceProvider? Services(int node) => _nodes[node].App?.App.Services;

    public async Task StartAsync(int node)
    {
        var slot = _nodes[node];
        var options = NodeOptionsLoader.Load(slot.Home, new Dictionary<string, string?>(), []);
        slot.App = NodeRuntime.Build(options, l => l.SetMinimumLevel(LogLevel.Warning));
        await slot.App.StartAsync().ConfigureAwait(false);
    }

    public async Task StartAllAsync()
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            await StartAsync(i).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(int node)
    {
        var slot = _nodes[node];
        if (slot.App is { } app)
        {
            slot.App = null;
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a stopped node's chain data (data/), as an operator resyncing it would: its key and its sign-state
    /// (config/sign_state) stay, so started again it syncs the whole chain before it signs anything it signed before.</summary>
    public void WipeData(int node)
    {
        if (IsRunning(node))
        {
            throw new InvalidOperationException($"node{node} is running");
        }

        var options = NodeOptionsLoader.Load(_nodes[node].Home, new Dictionary<string, string?>(), []);
        Directory.Delete(options.DataDir, recursive: true);
    }

    public VoteChainApi.VoteChainApiClient Api(int node)
    {
        var channel = GrpcChannel.ForAddress(Url(node), new GrpcChannelOptions
        {
            HttpHandler = Tls ? TrustingTestCa() : null,
            DisposeHttpClient = true,
        });
        _channels.Add(channel);
        return new VoteChainApi.VoteChainApiClient(channel);
    }

    public static byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return TxSigning.Sign(signer, payload);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            await StopAsync(i).ConfigureAwait(false);
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        Authority.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }

    /// <summary>An HTTP handler that trusts the test CA only, as a client given --tls-ca would.</summary>
    public HttpMessageHandler TrustingTestCa()
    {
        var trusted = TlsFiles.LoadTrusted(TlsCaPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var served = new X509Certificate2(certificate);
            return chain.Build(served);
        };
        return handler;
    }

    private static int FreePort() => BlackBox.LoopbackPorts.Free();

    private sealed class NodeSlot(string home, int port, bool observer)
    {
        public string Home { get; } = home;

        public int Port { get; } = port;

        public bool Observer { get; } = observer;

        public int? WebPort { get; init; }

        public NodeInstance? App { get; set; }
    }
}
