using System.CommandLine;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Config;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Cli;

/// <summary><c>votechain init --home DIR</c>: a node home with a fresh node key, the default config and a data folder.</summary>
internal static class InitCommand
{
    public static Command Build(CommandRunner runner)
    {
        var home = new Option<string>("--home") { Description = "Home folder of the node (created if missing).", Required = true };
        var name = new Option<string?>("--name") { Description = "Node name in the config (default: the home folder's name)." };
        var command = new Command("init", "Create a node home: config/node_key.json, config/node.json and data/.") { home, name };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var homePath = parseResult.GetRequiredValue(home);
            var nodeName = parseResult.GetValue(name) ?? DefaultName(homePath);
            if (!GenesisValidator.IsValidName(nodeName))
            {
                throw new UserInputException(
                    $"node name '{nodeName}' must be 1 to {GenesisValidator.MaxNameLength} printable characters");
            }

            var keyPath = Path.Combine(homePath, "config", "node_key.json");
            var configPath = Path.Combine(homePath, "config", "node.json");
            var dataPath = Path.Combine(homePath, "data");

            // Checked before anything is written, so a second init leaves the first one's files untouched.
            if (File.Exists(keyPath))
            {
                throw new UserInputException($"{homePath} already holds a node key ({keyPath}); refusing to initialise it again");
            }

            if (File.Exists(configPath))
            {
                throw new UserInputException($"node config {configPath} already exists (refusing to overwrite)");
            }

            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(keyPath, key);
            SafeFile.CreateNew(configPath, DefaultNodeConfig.WithName(nodeName), isPrivate: false, "node config");
            SafeFile.CreateFolder(dataPath, "data folder");

            stdout.WriteLine($"public key:  {HexInput.Format(key.PublicKey)}");
            stdout.WriteLine($"node key:    {keyPath}");
            stdout.WriteLine($"node config: {configPath}");
            stdout.WriteLine($"data:        {dataPath}");
            stdout.WriteLine($"next: put the chain's genesis file at {Path.Combine(homePath, "config", "genesis.json")}");
        });
        return command;
    }

    private static string DefaultName(string homePath)
    {
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(homePath)));
        return GenesisValidator.IsValidName(folder) ? folder : "node";
    }
}
