using System.CommandLine;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Node.Devnet;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain devnet</c>: a local network of real node processes on 127.0.0.1, running until Ctrl-C or
/// SIGTERM, when every node is asked to stop cleanly.
/// </summary>
internal static class DevnetCommand
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    public static Command Build(CommandRunner runner)
    {
        var validators = new Option<int>("--validators") { Description = "Number of validators.", DefaultValueFactory = _ => 4 };
        var observers = new Option<int>("--observers") { Description = "Number of observers.", DefaultValueFactory = _ => 1 };
        var dir = new Option<string>("--dir") { Description = "Folder of the devnet (reused when it holds one).", DefaultValueFactory = _ => "devnet" };
        var basePort = new Option<int>("--base-port") { Description = "Port of the first validator; the others follow.", DefaultValueFactory = _ => 7100 };
        var demo = new Option<bool>("--demo") { Description = "Also create an election, register voters and cast votes." };
        var command = new Command("devnet", "Run a local devnet: validators and observers as processes on 127.0.0.1, until Ctrl-C.")
        {
            validators, observers, dir, basePort, demo,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var (layout, resumed) = DevnetLayout.OpenOrCreate(Path.GetFullPath(parseResult.GetValue(dir)!), parseResult.GetValue(validators),
                parseResult.GetValue(observers), parseResult.GetValue(basePort));
            RunAsync(layout, resumed, parseResult.GetValue(demo), stdout).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task RunAsync(DevnetLayout layout, bool resumed, bool demo, TextWriter stdout)
    {
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop(stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(stop));
        stdout.WriteLine(resumed ? $"resuming the devnet in {layout.Folder}" : $"created a devnet in {layout.Folder}");

        var nodes = new List<NodeProcess>();
        using var channel = GrpcChannel.ForAddress(layout.Url(0));
        try
        {
            for (var node = 0; node < layout.Count; node++)
            {
                nodes.Add(NodeProcess.Start(layout.Home(node)));
            }

            await WaitUntilServingAsync(layout, nodes, stop.Token).ConfigureAwait(false);
            for (var node = 0; node < layout.Count; node++)
            {
                stdout.WriteLine($"  {layout.Name(node),-12} {(layout.IsObserver(node) ? "observer" : "validator"),-9} {layout.Url(node)}   log: {Path.Combine(layout.Home(node), "node.log")}");
            }

            stdout.WriteLine($"genesis:        {layout.GenesisPath}");
            stdout.WriteLine($"authority key:  {layout.AuthorityKeyPath}");
            stdout.WriteLine("running; press Ctrl-C to stop every node");

            var traffic = demo
                ? new DemoTraffic(layout, stdout).RunAsync(new VoteChainApi.VoteChainApiClient(channel), stop.Token)
                : Task.CompletedTask;
            await WatchAsync(nodes, traffic, stdout, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Asked to stop while the nodes were still starting: stop them all the same.
        }
        finally
        {
            stdout.WriteLine("stopping the devnet");
            await Task.WhenAll(nodes.Select(n => n.StopAsync(StopGrace))).ConfigureAwait(false);
            nodes.ForEach(n => n.Dispose());
            stdout.WriteLine("stopped");
        }
    }

    private static Action<PosixSignalContext> Stop(CancellationTokenSource stop) => context =>
    {
        context.Cancel = true;
        stop.Cancel();
    };

    /// <summary>Runs until asked to stop; a node process that dies on its own stops the devnet with its name.</summary>
    private static async Task WatchAsync(List<NodeProcess> nodes, Task traffic, TextWriter stdout, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (traffic.IsFaulted)
            {
                stdout.WriteLine($"demo traffic stopped: {traffic.Exception!.GetBaseException().Message}");
                traffic = Task.CompletedTask;
            }

            if (nodes.FindIndex(n => n.HasExited) is var dead and >= 0)
            {
                throw new UserInputException($"devnet node {dead} exited on its own; see its node.log");
            }

            try
            {
                await Task.Delay(250, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static async Task WaitUntilServingAsync(DevnetLayout layout, List<NodeProcess> nodes, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + StartupDeadline;
        for (var node = 0; node < layout.Count; node++)
        {
            using var channel = GrpcChannel.ForAddress(layout.Url(node));
            var api = new VoteChainApi.VoteChainApiClient(channel);
            while (true)
            {
                if (nodes[node].HasExited)
                {
                    throw new UserInputException($"{layout.Name(node)} exited at start; see {Path.Combine(layout.Home(node), "node.log")}");
                }

                try
                {
                    await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: stop).ConfigureAwait(false);
                    break;
                }
                catch (RpcException) when (DateTime.UtcNow < deadline && !stop.IsCancellationRequested)
                {
                    await Task.Delay(200, stop).ConfigureAwait(false);
                }
            }
        }
    }
}
