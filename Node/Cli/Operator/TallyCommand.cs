using System.CommandLine;
using Grpc.Core;
using Spectre.Console;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain tally</c>: an election's current tally, or with --watch every new one as blocks commit; with --prove the
/// tally proven against the node's certified head, and with --check a saved proof checked offline (<see cref="TallyProving"/>).
/// </summary>
internal static class TallyCommand
{
    public static Command Build(CommandRunner runner)
    {
        var election = new Option<string?>("--election") { Description = "Election id (with --check: the election the saved proof must be of)." };
        var watch = new Option<bool>("--watch") { Description = "Follow the tally as blocks commit, until Ctrl-C or the node ends the stream." };
        var prove = new Option<bool>("--prove")
        {
            Description = "Prove the tally against the node's certified head and check the proof with --genesis alone: " +
                "prints the tally and the height it is proven at.",
        };
        var outFile = new Option<string?>("--out") { Description = "With --prove: also save the proof to this file (binary protobuf) for --check." };
        var check = new Option<string?>("--check") { Description = "Check a tally proof saved with --out, offline (no node), with --genesis alone." };
        var genesis = VerifyGenesis.Optional("with --prove and --check");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("tally",
            "Show an election's tally: weights, shares, totals, turnout. A secret election shows turnout only until its " +
            "trustees publish the result; then this client re-checks the result (every decryption share's proof and the " +
            "combination of the threshold of shares) against this node's records and says whether it verified. That " +
            "is not proof against a node that lies consistently: --prove checks the tally against a certified header " +
            "with the genesis file alone, and `votechain audit` verifies the whole certified chain.")
        {
            election, watch, prove, outFile, check, genesis, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var asJson = parseResult.GetValue(json);
            if (Proven(parseResult, election, watch, prove, outFile, check, genesis, node) is { } proven)
            {
                Write(proven, asJson, stdout);
                return;
            }

            var id = parseResult.GetValue(election) ?? throw new UsageException("give --election ID (or --check FILE with --genesis)");
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var first = View(session, session.Tally(id));
            if (!parseResult.GetValue(watch))
            {
                Write(first, asJson, stdout);
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
    /// The proven tally of --prove (from the node) or --check (from a saved file), after the options are checked to go
    /// together (exit 2 otherwise); null when neither was asked for.
    /// </summary>
    private static TallyView? Proven(ParseResult parseResult, Option<string?> election, Option<bool> watch, Option<bool> prove,
        Option<string?> outFile, Option<string?> check, Option<string?> genesis, Option<string> node)
    {
        var (id, proving, saveTo, checking) = (parseResult.GetValue(election), parseResult.GetValue(prove), parseResult.GetValue(outFile),
            parseResult.GetValue(check));
        if (checking is not null && (proving || saveTo is not null || parseResult.GetValue(watch)))
        {
            throw new UsageException("--check reads a saved proof: it goes without --prove, --out and --watch");
        }

        if (proving && parseResult.GetValue(watch))
        {
            throw new UsageException("--prove proves one tally: it goes without --watch");
        }

        if (saveTo is not null && !proving)
        {
            throw new UsageException("--out saves the proof --prove fetches: add --prove");
        }

        if (!proving && checking is null)
        {
            return null;
        }

        var genesisPath = parseResult.GetValue(genesis)
            ?? throw new UsageException($"{(proving ? "--prove" : "--check")} needs --genesis FILE: a proof is checked against it alone");
        if (proving && id is null)
        {
            throw new UsageException("--prove needs --election ID");
        }

        var genesisMessage = VerifyGenesis.Load(genesisPath);
        if (proving)
        {
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            return TallyProving.Prove(session, id!, genesisMessage, saveTo);
        }

        var proof = TallyProofFile.Load(checking!);
        if (id is not null && proof.ElectionId != id)
        {
            throw new UserInputException($"{checking} is a proof of another election, not '{id}'");
        }

        return TallyProving.Check(proof, genesisMessage);
    }

    private static void Write(TallyView view, bool asJson, TextWriter stdout)
    {
        if (asJson)
        {
            view.WriteJson(stdout);
        }
        else
        {
            view.WriteText(stdout);
        }
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
