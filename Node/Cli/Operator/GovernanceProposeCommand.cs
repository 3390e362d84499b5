using System.CommandLine;
using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Governance;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain governance propose add-validator|remove-validator|rotate-validator|add-authority|remove-authority|params</c>:
/// one subcommand per change, each building its <see cref="GovernanceProposal"/>; signing, submitting and waiting are
/// shared (<see cref="GovernanceSubmission"/>). Values are checked for form here; whether the change is allowed is the
/// node's rule, refused in one line.
/// </summary>
internal static class GovernanceProposeCommand
{
    public static Command Build(CommandRunner runner) => new("propose",
        "Propose one change, signed by a validator in force (its signature is the first approval); prints the proposal id.")
    {
        AddValidator(runner),
        RemoveValidator(runner),
        RotateValidator(runner),
        Authority(runner, "add-authority", "Make a key an election authority.", (p, key) => p.AddAuthority = key),
        Authority(runner, "remove-authority", "Take a key's election authority away (the last one cannot go).", (p, key) => p.RemoveAuthority = key),
        ConsensusParamsCommand.Build(runner),
    };

    private static Command AddValidator(CommandRunner runner)
    {
        var name = new Option<string>("--name") { Description = "The new validator's name (unused by any validator).", Required = true };
        var publicKey = new Option<string>("--public-key") { Description = "Its Ed25519 public key (hex); never a validator's before.", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "Its peer endpoint URL, e.g. http://10.0.0.5:7100.", Required = true };
        var trustee = new Option<string?>("--trustee-key") { Description = "Its trustee key (hex) for secret-ballot duties (optional)." };
        return Change(runner, "add-validator", "Add a validator at the end of the list.", [name, publicKey, endpoint, trustee], (parseResult, _) =>
            new GovernanceProposal
            {
                AddValidator = new ValidatorInfo
                {
                    Name = parseResult.GetRequiredValue(name),
                    PublicKey = Key(parseResult.GetRequiredValue(publicKey), "--public-key"),
                    Endpoint = parseResult.GetRequiredValue(endpoint),
                    TrusteeKey = parseResult.GetValue(trustee) is { } hex ? Key(hex, "--trustee-key") : ByteString.Empty,
                },
            });
    }

    private static Command RemoveValidator(CommandRunner runner)
    {
        var publicKeys = new Option<string[]>("--public-key")
        {
            Description = "Public key (hex) of a validator to remove; repeat for more (at most f at once, at least 4 must remain).",
            Required = true,
        };
        var evidence = new Option<string?>("--evidence")
        {
            Description = "Id (hex) of double-sign evidence against the one validator removed, as `votechain evidence --json` lists it on " +
                "the node given with --node; the proposal carries both signed messages.",
        };
        return Change(runner, "remove-validator", "Remove 1 to f validators, optionally backed by double-sign evidence.", [publicKeys, evidence],
            (parseResult, session) =>
            {
                var remove = new RemoveValidators { PublicKeys = { parseResult.GetRequiredValue(publicKeys).Select(k => Key(k, "--public-key")) } };
                if (parseResult.GetValue(evidence) is { } id)
                {
                    remove.Evidence = RemovalEvidence.Fetch(session, HexInput.Parse(id, "--evidence", Consensus.Crypto.Hashing.HashSize), remove.PublicKeys);
                }

                return new GovernanceProposal { RemoveValidators = remove };
            });
    }

    private static Command RotateValidator(CommandRunner runner)
    {
        var oldKey = new Option<string>("--old-key") { Description = "The validator's key in force (hex).", Required = true };
        var newKey = new Option<string>("--new-key") { Description = "The key that replaces it (hex); never a validator's before.", Required = true };
        return Change(runner, "rotate-validator", "Replace a validator's key in place (same index, name and endpoint); the old key retires for good.",
            [oldKey, newKey], (parseResult, _) => new GovernanceProposal
            {
                RotateValidator = new RotateValidator
                {
                    OldKey = Key(parseResult.GetRequiredValue(oldKey), "--old-key"),
                    NewKey = Key(parseResult.GetRequiredValue(newKey), "--new-key"),
                },
            });
    }

    private static Command Authority(CommandRunner runner, string name, string description, Action<GovernanceProposal, ByteString> set)
    {
        var publicKey = new Option<string>("--public-key") { Description = "The authority's Ed25519 public key (hex).", Required = true };
        return Change(runner, name, description, [publicKey], (parseResult, _) =>
        {
            var proposal = new GovernanceProposal();
            set(proposal, Key(parseResult.GetRequiredValue(publicKey), "--public-key"));
            return proposal;
        });
    }

    /// <summary>
    /// A propose subcommand: its own options and change, then the options every change shares (key, reason, wait, node,
    /// json). The change is built before the key is read, so a typo costs no passphrase and no call.
    /// </summary>
    internal static Command Change(CommandRunner runner, string name, string description, IReadOnlyList<Option> options,
        Func<ParseResult, NodeSession, GovernanceProposal> build)
    {
        var key = OperatorOptions.Key("proposing validator (a validator in force, e.g. the node's config/node_key.json)");
        var reason = new Option<string?>("--reason") { Description = $"Why, for the record (at most {GovernanceChecks.MaxReasonBytes} bytes of UTF-8)." };
        var wait = OperatorOptions.Wait("the proposal is committed, and print where it stands");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command(name, description);
        foreach (var option in options.Concat([key, reason, wait, node, json]))
        {
            command.Options.Add(option);
        }

        runner.Attach(command, (parseResult, stdout) =>
        {
            var why = parseResult.GetValue(reason) ?? "";
            if (Encoding.UTF8.GetByteCount(why) > GovernanceChecks.MaxReasonBytes)
            {
                throw new UserInputException($"--reason is {Encoding.UTF8.GetByteCount(why)} bytes; at most {GovernanceChecks.MaxReasonBytes} are recorded");
            }

            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var proposal = build(parseResult, session);
            proposal.Reason = why;
            using var validator = KeyFile.Load(parseResult.GetRequiredValue(key));
            GovernanceSubmission.Run(session, validator, new TxPayload { GovernanceProposal = proposal }, [],
                parseResult.GetValue(wait), parseResult.GetValue(json), stdout);
        });
        return command;
    }

    private static ByteString Key(string hex, string what) => ByteString.CopyFrom(HexInput.PublicKey(hex, what));
}
