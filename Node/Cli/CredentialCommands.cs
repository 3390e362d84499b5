using System.CommandLine;
using Google.Protobuf;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain credential request|register</c>: a voter's anonymous credential, from the issuers to the chain.</summary>
internal static class CredentialCommands
{
    public static Command Build(CommandRunner runner) => new("credential", "A voter's anonymous credential for an anonymous election.")
    {
        Request(runner),
        Register(runner),
    };

    private static Command Request(CommandRunner runner)
    {
        var identity = new Option<string>("--identity")
        {
            Description = "The voter's key file whose public key is on the election's roll (it proves who asks; it never votes).",
            Required = true,
        };
        var election = OperatorOptions.Election();
        var issuers = new Option<string[]>("--issuer")
        {
            Description = "URL of an issuer service (`votechain issuer serve`); repeat for each issuer of the election.",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "The credential file to write (mode 0600). If it exists from an interrupted request, the request resumes.",
            Required = true,
        };
        var node = NodeClient.NodeOption();
        var command = new Command("request",
            "Get an anonymous credential: a fresh key, blindly signed by every issuer after each records on chain that this " +
            "identity was served. No issuer sees the credential key, so none can link it to you.")
        {
            identity, election, issuers, output, node,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var identityKey = KeyFile.Load(parseResult.GetRequiredValue(identity));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var path = parseResult.GetRequiredValue(output);
            var file = new CredentialRequester(session, stdout).Request(identityKey, parseResult.GetRequiredValue(election),
                parseResult.GetRequiredValue(issuers), path);
            // Not the credential key: this output sits beside the identity (terminal logs, scripts), and together they would link.
            stdout.WriteLine($"credential ready in {path} (weight {file.Content.Weight}); keep the file private and backed up");
            stdout.WriteLine("register it with `votechain credential register` once registering opens, at a random moment and through " +
                "another node or network if you can (docs/ANONYMITY.md), then vote with --key " + path);
        });
        return command;
    }

    private static Command Register(CommandRunner runner)
    {
        var credential = new Option<string>("--credential") { Description = "The credential file from `credential request`.", Required = true };
        var election = OperatorOptions.Election();
        var node = NodeClient.NodeOption();
        var wait = OperatorOptions.Wait("the credential is registered");
        var json = JsonOutput.Option();
        var command = new Command("register",
            "Register an anonymous credential with the issuers' signatures, signed by the credential itself: the chain learns " +
            "a weight and a key, never whose.")
        {
            credential, election, node, wait, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var path = parseResult.GetRequiredValue(credential);
            var file = CredentialFile.Load(path);
            var content = file.Content;
            var electionId = parseResult.GetRequiredValue(election);
            if (content.ElectionId != electionId)
            {
                throw new UserInputException($"credential file {path} is for election {content.ElectionId}, not {electionId}");
            }

            if (!file.IsComplete)
            {
                throw new UserInputException($"credential file {path} is not complete: run `votechain credential request` with the same --out to finish it");
            }

            using var key = file.Key(path);
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            if (session.ChainId != content.ChainId)
            {
                throw new UserInputException($"credential file {path} is for chain {content.ChainId}; the node serves {session.ChainId}");
            }

            // Refused here, not only by the chain: a registration sent early would show the credential to the node right
            // after issuing, when timing can still link it to the voter.
            var opens = session.Election(electionId).Anonymous?.RegistrationOpensAtUnixMs ?? 0;
            if (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < opens)
            {
                throw new UserInputException($"registering credentials for election {electionId} opens at " +
                    $"{DateTimeOffset.FromUnixTimeMilliseconds(opens):u}; nothing was sent");
            }

            var register = new RegisterAnonymousCredential { ElectionId = electionId, Weight = content.Weight };
            register.Signatures.AddRange(content.Issuers.Select(i => new IssuerSignature
            {
                Prefix = ByteString.CopyFrom(Convert.FromHexString(i.Prefix)),
                Signature = ByteString.CopyFrom(Convert.FromHexString(i.Signature!)),
            }));
            var txId = session.Submit(key, new TxPayload { RegisterAnonymous = register }, "anonymous registration");
            ulong? height = null;
            if (parseResult.GetValue(wait))
            {
                Polling.Until(() => session.Voter(electionId, key.PublicKey).Credential is { Anonymous: true } c ? c : null,
                    $"credential {content.PublicKey[..16]}... to register");
                height = session.Status().Height;
            }

            // How many voters this credential hides among: those of its weight every issuer served (the weight is public).
            var anonymitySet = session.Issuance(electionId, content.Weight).Issuance?.Served ?? 0;
            var result = new RegisteredJson(electionId, content.PublicKey, content.Weight, HexInput.Format(txId), height, anonymitySet);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, result);
                return;
            }

            stdout.WriteLine($"credential {result.Credential} (weight {result.Weight}) submitted in tx {result.TxId}");
            stdout.WriteLine($"anonymity set: {anonymitySet} voter(s) of weight {result.Weight} served by every issuer" +
                (anonymitySet < 2 ? " (warning: your weight alone tells who you are)" : ""));
            if (height is not null)
            {
                stdout.WriteLine($"registered by height {height}: vote with --key {path}");
            }
        });
        return command;
    }

    private sealed record RegisteredJson(string ElectionId, string Credential, ulong Weight, string TxId, ulong? RegisteredByHeight,
        ulong AnonymitySet);
}
