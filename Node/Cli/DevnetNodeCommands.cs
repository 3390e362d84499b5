using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Node.Devnet;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain devnet restart NAME</c> and <c>devnet stop-node NAME</c>, run from another terminal. They ask the
/// devnet running on --dir and wait until it has done it; they need that devnet running, because it is the devnet
/// that stops and starts its node processes and tells deaths from requested stops (see <see cref="DevnetControl"/>).
/// </summary>
internal static class DevnetNodeCommands
{
    /// <summary>The devnet gives a node up to 15 s to stop cleanly before it kills it; this leaves room for that.</summary>
    private static readonly TimeSpan HandledDeadline = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static Command Restart(CommandRunner runner, Option<string> dir)
    {
        var name = NameArgument();
        var command = new Command("restart",
            "Restart one node of the devnet running on --dir (or start it again after it died or was stopped) and wait until it answers.")
        {
            name,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var (layout, control, node) = Open(parseResult, dir, name, "restart");
            control.Ask(node, NodeRequest.Restart);
            WaitHandled(layout, control, node, NodeRequest.Restart);
            WaitUntilAnswering(layout, node);
            stdout.WriteLine($"restarted {layout.Name(node)} (pid {control.RunningNode(node)}), answering on {layout.Url(node)}");
        });
        return command;
    }

    public static Command StopNode(CommandRunner runner, Option<string> dir)
    {
        var name = NameArgument();
        var command = new Command("stop-node",
            "Stop one node of the devnet running on --dir; it stays stopped (even with --restart) until `devnet restart NAME`.")
        {
            name,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var (layout, control, node) = Open(parseResult, dir, name, "stop-node");
            var wasRunning = control.RunningNode(node) is not null;
            control.Ask(node, NodeRequest.Stop);
            WaitHandled(layout, control, node, NodeRequest.Stop);
            stdout.WriteLine(wasRunning
                ? $"stopped {layout.Name(node)}"
                : $"{layout.Name(node)} was not running; the devnet will not start it again until `devnet restart {layout.Name(node)}`");
        });
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The node's name: validator0, validator1, ..., observer0, ..." };

    private static (DevnetLayout Layout, DevnetControl Control, int Node) Open(ParseResult parseResult, Option<string> dir, Argument<string> name,
        string verb)
    {
        var layout = DevnetLayout.Open(Path.GetFullPath(parseResult.GetValue(dir)!));
        var wanted = parseResult.GetRequiredValue(name);
        var node = layout.IndexOf(wanted);
        if (node < 0)
        {
            var names = string.Join(", ", Enumerable.Range(0, layout.Count).Select(layout.Name));
            throw new UserInputException($"the devnet in {layout.Folder} has no node '{wanted}'; its nodes are {names}");
        }

        var control = new DevnetControl(layout);
        if (control.RunningDevnet() is null)
        {
            throw new UserInputException(
                $"no devnet is running in {layout.Folder}; `devnet {verb}` asks the running devnet, start it with: votechain devnet --dir {layout.Folder}");
        }

        return (layout, control, node);
    }

    /// <summary>Waits until the devnet has acted on the request (it deletes the request file).</summary>
    private static void WaitHandled(DevnetLayout layout, DevnetControl control, int node, NodeRequest request)
    {
        var deadline = DateTime.UtcNow + HandledDeadline;
        while (control.IsAsked(node, request))
        {
            var problem = control.RunningDevnet() is null ? "stopped before it handled the request"
                : DateTime.UtcNow > deadline ? $"did not handle the request within {HandledDeadline.TotalSeconds:0} s"
                : null;
            if (problem is not null)
            {
                // Withdrawn, so that it does not surprise anyone later.
                control.Done(node, request);
                throw new UserInputException($"the devnet in {layout.Folder} {problem}");
            }

            Thread.Sleep(Poll);
        }
    }

    private static void WaitUntilAnswering(DevnetLayout layout, int node)
    {
        using var channel = layout.Channel(node);
        var api = new VoteChainApi.VoteChainApiClient(channel);
        var deadline = DateTime.UtcNow + AnswerDeadline;
        while (true)
        {
            try
            {
                api.GetStatus(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Poll);
            }
            catch (RpcException)
            {
                throw new UserInputException($"{layout.Name(node)} was started again but does not answer on {layout.Url(node)} after "
                    + $"{AnswerDeadline.TotalSeconds:0} s; see {Path.Combine(layout.Home(node), "node.log")}");
            }
        }
    }
}
