using System.CommandLine;
using System.Diagnostics;
using VoteChain.Consensus.Secret;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Verify;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Node.Trustee;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain trustee run</c>: the trustee duties of a named trustee that runs no node, through a node's public API,
/// with the same loop a node runs for its own trustee key. The loop reads only the state this command verified itself
/// (<see cref="VerifiedApiTrusteeChain"/>): before the first pass the whole chain, then the new blocks between passes.
/// </summary>
internal static class TrusteeCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Build(CommandRunner runner) => new("trustee", "Secret-ballot trustee duties.")
    {
        Run(runner),
    };

    private static Command Run(CommandRunner runner)
    {
        var key = new Option<string>("--key")
        {
            Description = "The trustee's key file (mode 0600; from `votechain keys generate`), whose public key the election names with --trustee.",
            Required = true,
        };
        var genesis = VerifyGenesis.Option();
        var node = NodeClient.NodeOption();
        var election = new Option<string?>("--election") { Description = "Act for this election only (default: every secret election naming the key)." };
        var once = new Option<bool>("--once") { Description = "Do what is due now, then exit (for scripts and tests)." };
        var command = new Command("run",
            "Do this key's trustee duties for secret elections (deal, acknowledge, answer complaints, post decryption shares, "
            + "publish the result): one line per step, until every election naming the key has its result (or Ctrl-C). "
            + "It acts only on the chain it verified itself from --genesis (certificates and every rule), never on the node's word. "
            + "Validators whose node holds config/trustee.key need not run this: their node does it.")
        {
            key, genesis, node, election, once,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var trusteeKey = TrusteeKeyFile.Load(parseResult.GetRequiredValue(key));
            var genesisFile = VerifyGenesis.Load(parseResult.GetRequiredValue(genesis));
            using var client = new NodeClient(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var chain = VerifiedApiTrusteeChain.Connect(client, genesisFile);
            chain.CatchUp(new CatchUpProgress(stdout, fromTheStart: true).Report);
            stdout.WriteLine($"verified the chain: height {chain.Height}");
            var only = parseResult.GetValue(election);
            CheckNamed(chain, trusteeKey, only);

            var report = new LineReport(stdout, parseResult.InvocationConfiguration.Error);
            var loop = new TrusteeLoop(trusteeKey, chain, report, TimeProvider.System, onlyElection: only);
            stdout.WriteLine($"trustee {HexInput.Format(trusteeKey.PublicKey)} on chain {chain.ChainId} via {client.Url}");
            if (parseResult.GetValue(once))
            {
                var pass = loop.RunOnce();
                stdout.WriteLine(Summary(pass));
                return;
            }

            using var stop = new StopSignals();
            var waiting = false;
            string? unreadable = null;
            async Task<bool> WaitAndCatchUp(CancellationToken token)
            {
                // One line while nothing names the key yet, so an operator who started early knows it is alive.
                if (!waiting && loop.LastPass is { Elections: 0 })
                {
                    waiting = true;
                    stdout.WriteLine(only is null
                        ? "waiting for a secret election that names this key"
                        : $"waiting for secret election {only}");
                }

                await Task.Delay(PollInterval, token).ConfigureAwait(false);
                try
                {
                    await Task.Run(() => chain.CatchUp(new CatchUpProgress(stdout, fromTheStart: false).Report), token).ConfigureAwait(false);
                    unreadable = null;
                }
                catch (UserInputException e) when (chain.Failure is null)
                {
                    // The node is unreachable or slow: the next pass acts on the verified state it has (at worst a
                    // delay), and the problem is said once until it changes. A block that failed verification is not
                    // caught here: it ends the run.
                    if (e.Message != unreadable)
                    {
                        unreadable = e.Message;
                        parseResult.InvocationConfiguration.Error.WriteLine($"warning: {e.Message}");
                    }
                }

                return true;
            }

            loop.RunAsync(WaitAndCatchUp, untilFinished: true, stop.Token).GetAwaiter().GetResult();
            stdout.WriteLine(stop.IsCancellationRequested
                ? "stopped"
                : "done: every election naming this key is over (result published, or key generation failed)");
        });
        return command;
    }

    /// <summary>An --election that exists but cannot use this key is a mistake worth one line, not an endless wait.</summary>
    private static void CheckNamed(VerifiedApiTrusteeChain chain, TrusteeKey key, string? only)
    {
        if (only is null || chain.Elections().FirstOrDefault(e => e.Definition.ElectionId == only) is not { } record)
        {
            return;
        }

        if (record.Secret is null)
        {
            throw new UserInputException($"election {only} is not a secret election: it has no trustees");
        }

        if (SecretSettings.TrusteeIndex(record.Secret, key.PublicKey) == 0)
        {
            throw new UserInputException($"trustee key {HexInput.Format(key.PublicKey)} is not a trustee of election {only}");
        }
    }

    private static string Summary(TrusteePass pass) => pass.Elections == 0
        ? "no secret election names this key yet"
        : $"{pass.Submitted} step(s) submitted; {pass.Finished} of {pass.Elections} election(s) naming this key have their result";

    /// <summary>
    /// "verifying the chain: height H of N" every few seconds of one catch-up: from its first block for the first
    /// catch-up (the whole chain, maybe long), only past the first few seconds for the later ones (a block or two each).
    /// </summary>
    private sealed class CatchUpProgress(TextWriter output, bool fromTheStart)
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(3);
        private long _lastAt = fromTheStart ? 0 : Stopwatch.GetTimestamp();

        public void Report(ulong height, ulong target)
        {
            if (_lastAt == 0 || Stopwatch.GetElapsedTime(_lastAt) >= Every)
            {
                _lastAt = Stopwatch.GetTimestamp();
                output.WriteLine($"verifying the chain: height {height} of {target}");
            }
        }
    }

    /// <summary>Steps on stdout, one line each; refusals and failures on stderr as warnings (the loop keeps going).</summary>
    private sealed class LineReport(TextWriter output, TextWriter error) : ITrusteeLog
    {
        public void Posted(string electionId, string step, byte[] txId) =>
            output.WriteLine($"{TrusteeSteps.Describe(step)} for election {electionId} (tx {HexInput.Format(txId)})");

        public void Refused(string electionId, string step, string code, string message)
        {
            if (TrusteeSteps.IsAlreadyDone(code))
            {
                output.WriteLine($"{step} for election {electionId} was already on chain: {message}");
            }
            else
            {
                error.WriteLine($"warning: {step} for election {electionId} refused: {code}: {message}");
            }
        }

        public void Over(string electionId, string why) => output.WriteLine($"election {electionId} is over: {why}");

        public void Failed(string? electionId, string problem) =>
            error.WriteLine(electionId is null ? $"warning: {problem}" : $"warning: election {electionId}: {problem}");
    }
}
