using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Partitions;

/// <summary>
/// Validators as real `votechain start` processes, each in a network namespace of its own, joined by veth pairs to a
/// bridge in the test's namespace (which reaches every node's API through it). A partition is a set of nftables rules
/// inside the namespaces: <see cref="Cut"/> drops every packet one node sends to another, so a link can fail in one
/// direction or both. The namespaces, links, rules, processes and folders are all removed on dispose.
/// </summary>
internal sealed class NamespaceNetwork : IAsyncDisposable
{
    private const int Port = 7100;
    private const string Table = "votechain_partition";
    private readonly string _id = Guid.NewGuid().ToString("N")[..5];
    private readonly string _subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 250)}";
    private readonly List<Process> _processes = [];
    private readonly List<StreamWriter> _logs = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly Dictionary<int, VoteChainApi.VoteChainApiClient> _clients = [];
    private readonly List<string> _namespaces = [];
    private bool _bridge;

    private NamespaceNetwork(int validators)
    {
        Validators = validators;
        Root = Path.Combine(Path.GetTempPath(), $"votechain-netns-{_id}");
    }

    public int Validators { get; }

    public string Root { get; }

    public Ed25519KeyPair Authority { get; } = Ed25519KeyPair.Generate();

    /// <summary>Why namespaces cannot be made here (not root, no `ip` or `nft`, no right to create them), or null.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "network namespaces need Linux and root";
        }

        foreach (var tool in new[] { "ip", "nft" })
        {
            if (!new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Any(dir => File.Exists(Path.Combine(dir, tool))))
            {
                return $"`{tool}` is not installed (Debian packages iproute2 and nftables; scripts/test.sh installs them)";
            }
        }

        var probe = $"votechain-probe-{Guid.NewGuid().ToString("N")[..6]}";
        var (code, error, _) = Run("ip", "netns", "add", probe);
        if (code != 0)
        {
            return $"`ip netns add` is not allowed here: {error.Trim()}";
        }

        Run("ip", "netns", "del", probe);
        return null;
    }

    /// <summary>Creates the namespaces, links and node homes (a fresh genesis listing the validators); starts nothing.</summary>
    public static NamespaceNetwork Create(int validators)
    {
        var network = new NamespaceNetwork(validators);
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public string Address(int node) => $"{_subnet}.{node + 1}";

    public string Url(int node) => $"http://{Address(node)}:{Port}";

    public string Home(int node) => Path.Combine(Root, $"validator{node}");

    /// <summary>
    /// One client per node, kept: a node admits at most limits.max_connections_per_address connections from one address,
    /// and every call of the tests comes from the bridge's.
    /// </summary>
    public VoteChainApi.VoteChainApiClient Api(int node)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(node, out var client))
            {
                var channel = GrpcChannel.ForAddress(Url(node));
                _channels.Add(channel);
                client = new VoteChainApi.VoteChainApiClient(channel);
                _clients[node] = client;
            }

            return client;
        }
    }

    public void StartAll()
    {
        for (var node = 0; node < Validators; node++)
        {
            var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "netns", "exec", Namespace(node), Path.Combine(AppContext.BaseDirectory, "votechain"), "start", "--home", Home(node) })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            var log = new StreamWriter(Path.Combine(Home(node), "node.log")) { AutoFlush = true };
            _logs.Add(log);
            process.OutputDataReceived += (_, e) => Write(log, e.Data);
            process.ErrorDataReceived += (_, e) => Write(log, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes.Add(process);
        }
    }

    /// <summary>The last lines each node logged, for a failed test's report.</summary>
    public string LogTails(int lines = 15) => string.Join('\n', Enumerable.Range(0, _logs.Count).Select(node =>
    {
        lock (_logs[node])
        {
            var path = Path.Combine(Home(node), "node.log");
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return $"validator{node}:\n" + string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
    }));

    /// <summary>The node's committed height, or null when it does not answer within a second.</summary>
    public async Task<ulong?> HeightAsync(int node)
    {
        try
        {
            return (await Api(node).GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(1))).Height;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public async Task<ulong[]> HeightsAsync() =>
        [.. (await Task.WhenAll(Enumerable.Range(0, Validators).Select(HeightAsync))).Select(h => h ?? 0)];

    /// <summary>Drops every packet <paramref name="from"/> sends to <paramref name="to"/> (one direction only).</summary>
    public void Cut(int from, int to) =>
        Nft(from, "add", "rule", "inet", Table, "output", "ip", "daddr", Address(to), "drop");

    /// <summary>Cuts every link between the groups, both ways.</summary>
    public void Split(params int[][] groups)
    {
        foreach (var group in groups)
        {
            foreach (var node in group)
            {
                foreach (var other in groups.Where(g => g != group).SelectMany(g => g))
                {
                    Cut(node, other);
                }
            }
        }
    }

    /// <summary>Every link works again.</summary>
    public void Heal()
    {
        for (var node = 0; node < Validators; node++)
        {
            Nft(node, "flush", "chain", "inet", Table, "output");
        }
    }

    /// <summary>The block hash each node serves at <paramref name="height"/>.</summary>
    public async Task<string[]> BlockHashesAsync(ulong height) =>
        await Task.WhenAll(Enumerable.Range(0, Validators).Select(async node => Convert.ToHexStringLower(
            (await Api(node).GetBlockAsync(new GetBlockRequest { Height = height }, deadline: DateTime.UtcNow.AddSeconds(5))).BlockHash.Span)));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await StopAsync(process);
        }

        foreach (var log in _logs)
        {
            lock (log)
            {
                log.Dispose();
            }
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        foreach (var ns in _namespaces)
        {
            // Anything still inside would keep the namespace, and its links, alive after `ip netns del`.
            foreach (var pid in Output("ip", "netns", "pids", ns).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                KillProcess(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
            }

            Run("ip", "netns", "del", ns);
        }

        if (_bridge)
        {
            Run("ip", "link", "del", Bridge);
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

    private string Bridge => $"vc{_id}br";

    private string Namespace(int node) => $"votechain-{_id}-{node}";

    private void Build()
    {
        Must("ip", "link", "add", Bridge, "type", "bridge");
        _bridge = true;
        Must("ip", "addr", "add", $"{_subnet}.254/24", "dev", Bridge);
        Must("ip", "link", "set", Bridge, "up");
        var genesis = new Protos.V1.Genesis
        {
            ChainId = TestNetwork.ChainId,
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(),
            Params = GenesisDefaults.Params(),
        };
        genesis.Params.ProposeTimeoutMs = 1_000;
        genesis.Authorities.Add(ByteString.CopyFrom(Authority.PublicKey));
        for (var node = 0; node < Validators; node++)
        {
            var (host, inside) = ($"vc{_id}h{node}", $"vc{_id}p{node}");
            Must("ip", "netns", "add", Namespace(node));
            _namespaces.Add(Namespace(node));
            Must("ip", "link", "add", host, "type", "veth", "peer", "name", inside);
            Must("ip", "link", "set", inside, "netns", Namespace(node));
            Must("ip", "link", "set", host, "master", Bridge);
            Must("ip", "link", "set", host, "up");
            Must("ip", "netns", "exec", Namespace(node), "ip", "addr", "add", $"{Address(node)}/24", "dev", inside);
            Must("ip", "netns", "exec", Namespace(node), "ip", "link", "set", inside, "up");
            Must("ip", "netns", "exec", Namespace(node), "ip", "link", "set", "lo", "up");
            Nft(node, "add", "table", "inet", Table);
            Nft(node, "add", "chain", "inet", Table, "output", "{ type filter hook output priority 0; policy accept; }");

            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(Path.Combine(Home(node), "config", "node_key.json"), key);
            genesis.Validators.Add(new ValidatorInfo { Name = $"validator{node}", PublicKey = ByteString.CopyFrom(key.PublicKey), Endpoint = Url(node) });
        }

        for (var node = 0; node < Validators; node++)
        {
            var config = new Dictionary<string, object>
            {
                ["name"] = $"validator{node}",
                ["listen"] = $"{Address(node)}:{Port}",
                ["peers"] = Array.Empty<string>(),
                ["log_level"] = "Warning",
            };
            File.WriteAllText(Path.Combine(Home(node), "config", "node.json"), JsonSerializer.Serialize(config));
            GenesisFile.CreateNew(Path.Combine(Home(node), "config", "genesis.json"), genesis);
        }
    }

    private void Nft(int node, params string[] args) => Must(["ip", "netns", "exec", Namespace(node), "nft", .. args]);

    private static void Must(params string[] args)
    {
        var (code, error, _) = Run(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"`{string.Join(' ', args)}` failed: {error.Trim()}");
        }
    }

    private static void KillProcess(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Gone already.
        }
    }

    private static string Output(params string[] args) => Run(args).Output;

    private static (int Code, string Error, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error, output.GetAwaiter().GetResult());
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            // `ip netns exec` runs the node as its child.
            process.Kill(entireProcessTree: true);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed and still not reaped in 10 s: the namespace's removal below does not depend on it.
        }

        process.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
