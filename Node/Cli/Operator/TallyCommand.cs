using System.CommandLine;
using Grpc.Core;
using Spectre.Console;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain tally</c>: an election's current tally, or with --watch every new one as blocks commit.</summary>
internal static class TallyCommand
{
    public static Command Build(CommandRunner runner)
    {
        var election = OperatorOptions.Election();
        var watch = new Option<bool>("--watch") { Description = "Follow the tally as blocks commit, until Ctrl-C or the node ends the stream." };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("tally",
            "Show an election's tally: weights, shares, totals, turnout. A secret election shows turnout only until its " +
            "trustees publish the result; then this client re-checks the result (every decryption share's proof and the " +
            "combination of the threshold of shares) against this node's records and says whether it verified. That " +
            "is not proof against a node that lies consistently: `votechain audit` verifies from the certified chain.") { election, watch, node, json };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var id = parseResult.GetRequiredValue(election);
            var asJson = parseResult.GetValue(json);
            var first = View(session, session.Tally(id));
            if (!parseResult.GetValue(watch))
            {
                if (asJson)
                {
                    first.WriteJson(stdout);
                }
                else
                {
                    first.WriteText(stdout);
                }

                return;
            }

            if (asJson || !Terminal.IsInteractive(stdout))
            {
                Follow(session, id, view =>
                {
                    if (asJson)
                    {
                        view.WriteJsonLine(stdout);
                    }
                    else
                    {
                        view.WriteText(stdout);
                        stdout.WriteLine();
                    }

                    stdout.Flush();
                });
                return;
            }

            Terminal.Open(stdout).Live(first.ToRenderable()).Start(context => Follow(session, id, view =>
            {
                context.UpdateTarget(view.ToRenderable());
                context.Refresh();
            }));
        });
        return command;
    }

    /// <summary>
    /// The view of one tally. A secret election is read again through GetSecretElection, whose records are all from
    /// one height, and its published result is checked here from those records.
    /// </summary>
    private static TallyView View(NodeSession session, TallyResponse response)
    {
        if (!response.Tally.Secret)
        {
            return new TallyView(response);
        }

        var secret = session.SecretElection(response.ElectionId);
        if (secret.Election?.Secret is null || secret.Election.Definition is null)
        {
            throw new UserInputException(
                $"the node says election '{response.ElectionId}' is secret but its secret-election answer has no secret ballot settings: it contradicts itself");
        }

        var consistent = new TallyResponse
        {
            ElectionId = response.ElectionId,
            Height = secret.Height,
            Tally = secret.Tally,
            Options = { secret.Election.Definition.Options },
        };
        return new TallyView(consistent, SecretResult.Check(session.ChainId, secret));
    }

    /// <summary>Shows each tally the node streams (the current one first) until Ctrl-C or the end of the stream.</summary>
    private static void Follow(NodeSession session, string id, Action<TallyView> show)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            // Ctrl-C ends the watch, not the process, so the command exits 0 and a live display is closed properly.
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            using var call = session.Client.Api.StreamTally(new GetTallyRequest { ElectionId = id }, cancellationToken: stop.Token);
            while (call.ResponseStream.MoveNext(stop.Token).GetAwaiter().GetResult())
            {
                show(View(session, call.ResponseStream.Current));
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && stop.IsCancellationRequested)
        {
            // Ctrl-C: the watch is over.
        }
        catch (RpcException e)
        {
            throw session.Client.Explain(e, "tally stream");
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }
}
