using System.CommandLine;
using System.Net.Sockets;
using VoteChain.Node.Hosting;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain start --home DIR</c>: runs a node until SIGINT or SIGTERM.</summary>
internal static class StartCommand
{
    public static Command Build(CommandRunner runner)
    {
        var home = new Option<string>("--home") { Description = "Home folder of the node (made by `votechain init`).", Required = true };
        var genesis = new Option<string?>("--genesis") { Description = "Genesis file (default: the config's genesis_file, config/genesis.json)." };
        var listen = new Option<string?>("--listen") { Description = "HOST:PORT to serve gRPC on (default: the config's listen)." };
        var peers = new Option<string[]>("--peer") { Description = "URL of a peer to connect to; repeat for several.", AllowMultipleArgumentsPerToken = false };
        var observer = new Option<bool>("--observer") { Description = "Run read-only: sync and verify, never sign, even with a validator key." };
        var allowMissingSignState = new Option<bool>(SignStateStartup.OverrideFlag)
        {
            Description = "Start as a validator although the chain data exists and the sign-state file is gone (risks a double sign; see config/README.md).",
        };
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "Log as readable lines (text) or one JSON object per line for log shippers (json); default: the config's log_format.",
        };
        logFormat.AcceptOnlyFromAmong([.. NodeLogFormat.All]);
        var stateSync = new Option<bool>("--state-sync")
        {
            Description = "On an empty data folder, start from the newest snapshot a peer offers that verifies against the genesis "
                + "(its block's certificate and state root), then follow by block sync; without one, sync from genesis. "
                + "A folder that holds a chain starts as it is. See docs/STATE-SYNC.md.",
        };
        var command = new Command("start", "Run a node: a validator when its key is in the genesis, otherwise an observer.")
        {
            home, genesis, listen, peers, observer, allowMissingSignState, logFormat, stateSync,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parseResult.GetValue(genesis) is { } genesisPath)
            {
                overrides["genesis_file"] = Path.GetFullPath(genesisPath);
            }

            if (parseResult.GetValue(listen) is { } listenAddress)
            {
                overrides["listen"] = listenAddress;
            }

            if (parseResult.GetValue(observer))
            {
                overrides["observer"] = "true";
            }

            if (parseResult.GetValue(allowMissingSignState))
            {
                overrides["allow_missing_sign_state"] = "true";
            }

            if (parseResult.GetValue(logFormat) is { } format)
            {
                overrides["log_format"] = format;
            }

            if (parseResult.GetValue(stateSync))
            {
                overrides["state_sync:enabled"] = "true";
            }

            // Every problem of the options and the files at once, as `config check` finds them, before anything is opened.
            var loaded = NodeOptionsLoader.Read(parseResult.GetRequiredValue(home), overrides, parseResult.GetValue(peers) ?? []);
            var options = loaded.Options;
            if ((string[])[.. loaded.Problems, .. NodeHomeCheck.Run(options, withData: false).Problems] is { Length: > 0 } problems)
            {
                throw new UserInputException(string.Join("; ", problems));
            }

            if (options.StateSync.Enabled && !SyncState(options, stdout))
            {
                return;
            }

            var node = NodeRuntime.Build(options);
            try
            {
                node.RunAsync().GetAwaiter().GetResult();
                if (node.Fatal is { } fatal)
                {
                    throw new UserInputException(fatal);
                }
            }
            catch (OperationCanceledException)
            {
                // SIGINT or SIGTERM arrived while the node was still starting: a normal stop.
            }
            catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"cannot listen on {options.Listen}: the port is in use");
            }
            finally
            {
                node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        return command;
    }

    /// <returns>False when SIGINT or SIGTERM stopped it: the node is not started then.</returns>
    private static bool SyncState(NodeOptions options, TextWriter stdout)
    {
        using var stop = new StopSignals();
        try
        {
            StateSync.StateSyncStartup.Run(options, stdout, stop.Token);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stdout.WriteLine("state sync stopped; the data folder is left empty");
            return false;
        }
    }
}
