using System.CommandLine;
using System.Net;
using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain issuer init|serve</c>: an issuer of anonymous credentials. Its key file is an Ed25519 key (it signs poll
/// book entries, and its seed derives the RSA-3072 key of each weight it serves), its public file is what an authority
/// names with <c>election create --issuer</c>.
/// </summary>
internal static class IssuerCommands
{
    public const string PublicSuffix = ".pub";

    public static Command Build(CommandRunner runner) => new("issuer", "Issue anonymous credentials (blind signatures) for anonymous elections.")
    {
        Init(runner),
        Serve(runner),
    };

    private static Command Init(CommandRunner runner)
    {
        var output = new Option<string>("--out")
        {
            Description = $"Path of the new issuer key file (mode 0600; never overwritten). Its public part goes to FILE{PublicSuffix}, " +
                "which the election authority names with `election create --anonymous --issuer`.",
            Required = true,
        };
        var command = new Command("init", "Make an issuer key pair: the private key file and its public file.") { output };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var path = parseResult.GetRequiredValue(output);
            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(path, key);
            var publicFile = new IssuerPublicFile(IssuerPublicFile.Kind, HexInput.Format(key.PublicKey));
            SafeFile.CreateNew(path + PublicSuffix, JsonSerializer.Serialize(publicFile, IssuerProtocol.Json) + "\n", isPrivate: false, "issuer public file");
            stdout.WriteLine($"issuer key {HexInput.Format(key.PublicKey)}");
            stdout.WriteLine($"private key: {path} (keep it secret; back it up: it also derives the issuer's RSA keys)");
            stdout.WriteLine($"public file: {path}{PublicSuffix} (give it to the election authority)");
        });
        return command;
    }

    private static Command Serve(CommandRunner runner)
    {
        var key = new Option<string>("--key") { Description = "The issuer key file (from `votechain issuer init`).", Required = true };
        var node = NodeClient.NodeOption();
        var listen = new Option<string>("--listen")
        {
            Description = "HOST:PORT to serve voters on (default 127.0.0.1:7300; port 0 picks a free one). Put a TLS proxy in front for voters on other machines.",
            DefaultValueFactory = _ => "127.0.0.1:7300",
        };
        var log = new Option<string?>("--log") { Description = "The issuer's log of whom it served, one JSON line each (default: KEYFILE.served.jsonl)." };
        var serveTimeout = new Option<int>("--serve-timeout")
        {
            Description = "Seconds a request may wait for every issuer's poll book entry before it is refused (the voter asks again).",
            DefaultValueFactory = _ => (int)IssuerDesk.DefaultServeTimeout.TotalSeconds,
        };
        serveTimeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 240)
            {
                r.AddError("--serve-timeout must be 1 to 240 seconds (a voter's client waits at most 5 minutes)");
            }
        });
        var genesis = new Option<string?>("--genesis")
        {
            Description = "The chain's genesis file: the issuer then signs only once the genesis validators' certified receipt shows its " +
                "poll book entry committed, so its node cannot make it sign for an entry that is not on chain (recommended).",
        };
        var command = new Command("serve",
            "Serve blind signatures to the roll of every anonymous election naming this issuer: each roll entry once, after its " +
            "poll book entry is committed. Runs until Ctrl-C.")
        {
            key, node, listen, log, serveTimeout, genesis,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var keyPath = parseResult.GetRequiredValue(key);
            var endpoint = ParseListen(parseResult.GetRequiredValue(listen));
            using var issuerKey = KeyFile.Load(keyPath);
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var receipts = parseResult.GetValue(genesis) is { } genesisPath ? Receipts(genesisPath, session) : null;
            using var desk = new IssuerDesk(issuerKey, session, new IssuerLog(parseResult.GetValue(log) ?? keyPath + ".served.jsonl"),
                TimeSpan.FromSeconds(parseResult.GetValue(serveTimeout)), receipts);
            var output = TextWriter.Synchronized(stdout);
            var server = new IssuerServer(desk, endpoint, output.WriteLine);
            using var stop = new StopSignals();
            try
            {
                server.StartAsync().GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UserInputException($"cannot listen on {endpoint}: {e.Message}", e);
            }

            stdout.WriteLine($"issuer {HexInput.Format(issuerKey.PublicKey)} on chain {desk.ChainId} listening on {server.Url}");
            stdout.Flush();
            stop.Token.WaitHandle.WaitOne();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            stdout.WriteLine("stopped");
        });
        return command;
    }

    /// <summary>The receipt check against the genesis validators, for the chain the node serves (another chain's genesis is refused).</summary>
    private static Networking.Api.ReceiptVerifier Receipts(string genesisPath, NodeSession session)
    {
        var genesis = Verify.VerifyGenesis.Load(genesisPath);
        return genesis.ChainId == session.ChainId
            ? new Networking.Api.ReceiptVerifier(Consensus.Pbft.ValidatorSet.From(genesis), genesis.ChainId)
            : throw new UserInputException($"genesis {genesisPath} is for chain {genesis.ChainId}; the node serves {session.ChainId}");
    }

    private static IPEndPoint ParseListen(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new UserInputException($"--listen '{text}' is not HOST:PORT with a numeric address (e.g. 127.0.0.1:7300)");

}
