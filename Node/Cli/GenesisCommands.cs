using System.CommandLine;
using Google.Protobuf;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain genesis new|add-validator|add-authority|show</c>: build the genesis file of a chain.</summary>
internal static class GenesisCommands
{
    public static Command Build(CommandRunner runner) => new("genesis", "Create, edit and inspect a genesis file.")
    {
        New(runner),
        AddValidator(runner),
        AddAuthority(runner),
        Show(runner),
    };

    private static Command New(CommandRunner runner)
    {
        var chainId = new Option<string>("--chain-id")
        {
            Description = "Chain id: lower-case letters, digits, '.', '_', '-' (at most 64).",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "Path of the new genesis file (never overwritten).", Required = true };
        var time = new Option<string?>("--time") { Description = "Genesis time, ISO-8601 (default: now, UTC, whole seconds)." };
        var command = new Command("new", "Create a genesis file with no validators, no authorities and default params.")
        {
            chainId, output, time,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var id = parseResult.GetRequiredValue(chainId);
            if (!GenesisValidator.IsValidChainId(id))
            {
                throw new UserInputException(GenesisValidator.ChainIdProblem(id));
            }

            var timeText = parseResult.GetValue(time);
            var genesis = new GenesisMessage
            {
                ChainId = id,
                GenesisTimeUnixMs = timeText is null
                    ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1000
                    : GenesisTime.Parse(timeText, "--time"),
                Params = GenesisDefaults.Params(),
            };
            var path = parseResult.GetRequiredValue(output);
            GenesisFile.CreateNew(path, genesis);
            stdout.WriteLine($"created {path} for chain {id}");
        });
        return command;
    }

    private static Command AddValidator(CommandRunner runner)
    {
        var file = GenesisOption();
        var publicKey = PublicKeyOption("Public key (hex) of the validator's node key.");
        var endpoint = new Option<string>("--endpoint")
        {
            Description = "URL where peers reach the validator, e.g. http://127.0.0.1:7100.",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "Human-readable name (default: validator-N)." };
        var trusteeKey = new Option<string?>("--trustee-key")
        {
            Description = "Public key (hex) of the validator's trustee key (config/trustee.key, printed by `init`): "
                + "secret elections that name no trustees use the validators' trustee keys.",
        };
        var command = new Command("add-validator", "Add a validator to a genesis file.") { file, publicKey, endpoint, name, trusteeKey };
        runner.Attach(command, (parseResult, stdout) => Edit(parseResult.GetRequiredValue(file), genesis =>
        {
            var validator = new ValidatorInfo
            {
                Name = parseResult.GetValue(name) ?? $"validator-{genesis.Validators.Count + 1}",
                PublicKey = ParsePublicKey(parseResult.GetRequiredValue(publicKey)),
                Endpoint = parseResult.GetRequiredValue(endpoint),
                TrusteeKey = parseResult.GetValue(trusteeKey) is { } trusteeHex
                    ? ByteString.CopyFrom(HexInput.PublicKey(trusteeHex, "--trustee-key"))
                    : ByteString.Empty,
            };
            var problems = GenesisValidator.ValidateValidator(validator);
            if (problems.Count > 0)
            {
                throw new UserInputException(string.Join("; ", problems));
            }

            foreach (var existing in genesis.Validators)
            {
                var clash = existing.PublicKey == validator.PublicKey ? $"key {HexInput.Format(validator.PublicKey.Span)}"
                    : !validator.TrusteeKey.IsEmpty && existing.TrusteeKey == validator.TrusteeKey
                        ? $"trustee key {HexInput.Format(validator.TrusteeKey.Span)}"
                    : existing.Name == validator.Name ? $"name '{validator.Name}'"
                    : existing.Endpoint == validator.Endpoint ? $"endpoint {validator.Endpoint}"
                    : null;
                if (clash is not null)
                {
                    throw new UserInputException($"validator '{existing.Name}' already has {clash}");
                }
            }

            genesis.Validators.Add(validator);
            stdout.WriteLine($"added validator '{validator.Name}' ({genesis.Validators.Count} in total)"
                + (validator.TrusteeKey.IsEmpty ? "; no trustee key (secret elections will have to name their trustees)" : ""));
        }));
        return command;
    }

    private static Command AddAuthority(CommandRunner runner)
    {
        var file = GenesisOption();
        var publicKey = PublicKeyOption("Public key (hex) of the election authority.");
        var command = new Command("add-authority", "Add an election authority to a genesis file.") { file, publicKey };
        runner.Attach(command, (parseResult, stdout) => Edit(parseResult.GetRequiredValue(file), genesis =>
        {
            var key = ParsePublicKey(parseResult.GetRequiredValue(publicKey));
            if (genesis.Authorities.Contains(key))
            {
                throw new UserInputException($"authority {HexInput.Format(key.Span)} is already in the genesis file");
            }

            genesis.Authorities.Add(key);
            stdout.WriteLine($"added authority ({genesis.Authorities.Count} in total)");
        }));
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var file = GenesisOption();
        var command = new Command("show", "Print a summary of a genesis file, its hash and any problems.") { file };
        runner.Attach(command, (parseResult, stdout) =>
            GenesisSummary.Write(GenesisFile.Load(parseResult.GetRequiredValue(file)), stdout));
        return command;
    }

    /// <summary>Loads, changes and atomically rewrites a genesis file; nothing is written if the change throws.</summary>
    private static void Edit(string path, Action<GenesisMessage> change)
    {
        var genesis = GenesisFile.Load(path);
        change(genesis);
        GenesisFile.Replace(path, genesis);
    }

    private static ByteString ParsePublicKey(string hex) => ByteString.CopyFrom(HexInput.PublicKey(hex, "--pubkey"));

    private static Option<string> GenesisOption() =>
        new("--genesis") { Description = "Path of the genesis file.", Required = true };

    private static Option<string> PublicKeyOption(string description) =>
        new("--pubkey") { Description = description, Required = true };
}
