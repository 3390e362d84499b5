using System.CommandLine;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain keys generate|show|fix-mode|trustee</c>: Ed25519 key files for validators, authorities, voters and
/// trustees.
/// </summary>
internal static class KeysCommands
{
    public static Command Build(CommandRunner runner) => new("keys", "Create and inspect Ed25519 key files.")
    {
        Generate(runner),
        Show(runner),
        FixMode(runner),
        Trustee(runner),
    };

    private static Command Generate(CommandRunner runner)
    {
        var output = new Option<string>("--out")
        {
            Description = "Path of the new key file (created with mode 0600; never overwritten).",
            Required = true,
        };
        var command = new Command("generate", "Generate a new key pair, save it and print its public key.") { output };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(parseResult.GetRequiredValue(output), key);
            stdout.WriteLine(HexInput.Format(key.PublicKey));
        });
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var keyPath = new Option<string>("--key") { Description = "Path of the key file.", Required = true };
        var command = new Command("show", "Print the public key (hex) of a key file.") { keyPath };
        runner.Attach(command, (parseResult, stdout) =>
        {
            using var key = KeyFile.Load(parseResult.GetRequiredValue(keyPath));
            stdout.WriteLine(HexInput.Format(key.PublicKey));
        });
        return command;
    }

    private static Command FixMode(CommandRunner runner)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Key file(s) to make readable and writable by their owner only (mode 0600).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("fix-mode", "Set key files to mode 0600, the only mode a node or command will load them with.") { paths };
        runner.Attach(command, (parseResult, stdout) =>
        {
            foreach (var path in parseResult.GetRequiredValue(paths))
            {
                var before = KeyFileMode.Fix(path);
                stdout.WriteLine($"{path}: mode {KeyFileMode.Octal(before)} -> {KeyFileMode.Octal(KeyFileMode.OwnerOnly)}");
            }
        });
        return command;
    }

    /// <summary>For homes made before init created trustee keys: adds config/trustee.key, never replacing one.</summary>
    private static Command Trustee(CommandRunner runner)
    {
        var home = new Option<string>("--home") { Description = "Home folder of the node (made by `votechain init`).", Required = true };
        var command = new Command("trustee",
            "Create the node's trustee key (the config's trustee.key_file, config/trustee.key by default; mode 0600) if the home has none, and print its public key.")
        {
            home,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var homePath = parseResult.GetRequiredValue(home);
            if (!File.Exists(Path.Combine(homePath, "config", "node.json")))
            {
                throw new UserInputException($"{homePath} is not a node home (no config/node.json); create it with `votechain init --home {homePath}`");
            }

            // Where the node will look for it: the config's trustee.key_file (config/trustee.key unless changed).
            var path = Hosting.NodeOptionsLoader.Load(homePath, new Dictionary<string, string?>(), []).Trustee.KeyFile;
            var publicKey = TrusteeKeyFile.Create(path);
            stdout.WriteLine($"trustee key: {HexInput.Format(publicKey)} ({path})");

            // A running chain's genesis cannot change (its hash would), so a key made now serves by being named.
            stdout.WriteLine("the node acts for secret elections that name this key (`election create --secret --trustee`); "
                + "restart it to load the key; a genesis not yet in use can list it with `genesis add-validator --trustee-key`");
        });
        return command;
    }
}
