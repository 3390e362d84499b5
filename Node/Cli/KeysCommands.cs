using System.CommandLine;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain keys generate|show|fix-mode</c>: Ed25519 key files for validators, authorities and voters.</summary>
internal static class KeysCommands
{
    public static Command Build(CommandRunner runner) => new("keys", "Create and inspect Ed25519 key files.")
    {
        Generate(runner),
        Show(runner),
        FixMode(runner),
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
}
