using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Node.Devnet;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain devnet</c>: a local network of real node processes on 127.0.0.1, running until Ctrl-C or
/// SIGTERM, when every node is asked to stop cleanly. A node that dies is reported and, with --restart, started
/// again; <c>devnet restart|stop-node NAME</c> ask the running devnet from another terminal.
/// </summary>
internal static class DevnetCommand
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(60);

    public static Command Build(CommandRunner runner)
    {
        var validators = new Option<int>("--validators") { Description = "Number of validators.", DefaultValueFactory = _ => 4 };
        var observers = new Option<int>("--observers") { Description = "Number of observers.", DefaultValueFactory = _ => 1 };
        var dir = new Option<string>("--dir")
        {
            Description = "Folder of the devnet; `devnet` creates one there unless it holds one already.",
            DefaultValueFactory = _ => "devnet",
            Recursive = true,
        };
        var basePort = new Option<int>("--base-port") { Description = "Port of the first validator; the others follow.", DefaultValueFactory = _ => 7100 };
        var demo = new Option<bool>("--demo") { Description = "Also create an election, register voters and cast votes." };
        var restart = new Option<bool>("--restart")
        {
            Description = "Start a node that dies again after 2 s (the delay doubles, up to 30 s, while it keeps dying soon after starting).",
        };
        var tls = new Option<bool>("--tls")
        {
            Description = "Serve TLS: a devnet CA issues each node's certificate; clients trust it with --tls-ca (its path is printed).",
        };
        var command = new Command("devnet",
            "Run a local devnet: validators and observers as processes on 127.0.0.1, until Ctrl-C. The subcommands act on a running devnet.")
        {
            validators, observers, dir, basePort, demo, restart, tls,
            DevnetNodeCommands.Restart(runner, dir),
            DevnetNodeCommands.StopNode(runner, dir),
            DevnetChaosCommand.Build(runner, dir),
            DevnetSoakCommand.Build(runner, dir),
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var (layout, resumed) = DevnetLayout.OpenOrCreate(Path.GetFullPath(parseResult.GetValue(dir)!), parseResult.GetValue(validators),
                parseResult.GetValue(observers), parseResult.GetValue(basePort), parseResult.GetValue(tls));
            if (resumed && parseResult.GetValue(tls) && !layout.Tls)
            {
                throw new UserInputException($"the devnet in {layout.Folder} was made without --tls; its nodes serve plain http (choose another --dir for a TLS devnet)");
            }
            RunAsync(layout, resumed, parseResult.GetValue(demo), parseResult.GetValue(restart), stdout).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task RunAsync(DevnetLayout layout, bool resumed, bool demo, bool restart, TextWriter stdout)
    {
        using var stop = new StopSignals();
        using var supervisor = DevnetSupervisor.Claim(layout, restart, stdout);
        stdout.WriteLine(resumed ? $"resuming the devnet in {layout.Folder}" : $"created a devnet in {layout.Folder}");

        using var channel = layout.Channel(0);
        try
        {
            supervisor.StartAll();
            await WaitUntilServingAsync(layout, supervisor, stop.Token).ConfigureAwait(false);
            for (var node = 0; node < layout.Count; node++)
            {
                stdout.WriteLine($"  {layout.Name(node),-12} {(layout.IsObserver(node) ? "observer" : "validator"),-9} {layout.Url(node)}   web: {layout.WebUrl(node)}   log: {Path.Combine(layout.Home(node), "node.log")}");
            }

            stdout.WriteLine($"genesis:        {layout.GenesisPath}");
            stdout.WriteLine($"authority key:  {layout.AuthorityKeyPath}");
            if (layout.Tls)
            {
                stdout.WriteLine($"tls ca: {layout.TlsCaPath}");
            }

            stdout.WriteLine(restart
                ? "running; a node that dies is started again; press Ctrl-C to stop every node"
                : "running; press Ctrl-C to stop every node");

            if (demo)
            {
                _ = ReportFailureAsync(new DemoTraffic(layout, stdout).RunAsync(new VoteChainApi.VoteChainApiClient(channel), stop.Token), stdout, stop.Token);
            }

            await supervisor.WatchAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Asked to stop while the nodes were still starting: stop them all the same.
        }
        finally
        {
            stdout.WriteLine("stopping the devnet");
            await supervisor.StopAllAsync().ConfigureAwait(false);
            stdout.WriteLine("stopped");
        }
    }

    /// <summary>The demo is a side show: when it fails the devnet says so and keeps running.</summary>
    private static async Task ReportFailureAsync(Task traffic, TextWriter stdout, CancellationToken stop)
    {
        try
        {
            await traffic.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever went wrong (node 0 down, a refusal), the devnet itself is fine. Once the devnet is stopping,
            // the traffic ends by cancellation, which is no news.
            if (!stop.IsCancellationRequested)
            {
                stdout.WriteLine($"demo traffic stopped: {e.GetBaseException().Message}");
            }
        }
    }

    private static async Task WaitUntilServingAsync(DevnetLayout layout, DevnetSupervisor supervisor, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + StartupDeadline;
        for (var node = 0; node < layout.Count; node++)
        {
            using var channel = layout.Channel(node);
            var api = new VoteChainApi.VoteChainApiClient(channel);
            while (true)
            {
                if (supervisor.IsDown(node))
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
