using System.CommandLine;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Config;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Node.Tls;

namespace VoteChain.Node.Cli;

/// <summary>
/// <c>votechain init --home DIR</c>: a node home with a fresh node key, a fresh trustee key (secret ballots), the default
/// config and a data folder.
/// </summary>
internal static class InitCommand
{
    public static Command Build(CommandRunner runner)
    {
        var home = new Option<string>("--home") { Description = "Home folder of the node (created if missing).", Required = true };
        var name = new Option<string?>("--name") { Description = "Node name in the config (default: the home folder's name)." };
        var tls = new Option<bool>("--tls")
        {
            Description = "Also create a TLS key and self-signed certificate (config/tls.key, config/tls.crt) and serve TLS with them.",
        };
        var tlsNames = new Option<string[]>("--tls-name")
        {
            Description = "Extra host name or IP address for the certificate (repeatable; localhost, 127.0.0.1 and ::1 are always in).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("init", "Create a node home: config/node_key.json, config/trustee.key, config/node.json and data/.") { home, name, tls, tlsNames };
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
            var trusteeKeyPath = TrusteeKeyFile.DefaultPath(homePath);
            var configPath = Path.Combine(homePath, "config", "node.json");
            var dataPath = Path.Combine(homePath, "data");

            // Checked before anything is written, so a second init leaves the first one's files untouched.
            if (File.Exists(keyPath))
            {
                throw new UserInputException($"{homePath} already holds a node key ({keyPath}); refusing to initialise it again");
            }

            if (File.Exists(trusteeKeyPath))
            {
                throw new UserInputException($"{homePath} already holds a trustee key ({trusteeKeyPath}); refusing to initialise it again");
            }

            if (File.Exists(configPath))
            {
                throw new UserInputException($"node config {configPath} already exists (refusing to overwrite)");
            }

            var withTls = parseResult.GetValue(tls);
            var names = parseResult.GetValue(tlsNames) ?? [];
            if (withTls && (File.Exists(TlsConfig.CertificatePath(homePath)) || File.Exists(TlsConfig.KeyPath(homePath))))
            {
                throw new UserInputException($"{homePath} already holds TLS files ({TlsConfig.CertificateFile}, {TlsConfig.KeyFile}); refusing to overwrite");
            }

            if (!withTls && names.Length > 0)
            {
                throw new UserInputException("--tls-name needs --tls");
            }

            if (names.FirstOrDefault(n => !TlsCertificates.IsValidName(n)) is { } badName)
            {
                throw new UserInputException($"--tls-name '{badName}' is not a host name or IP address");
            }

            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(keyPath, key);
            var trusteeKey = TrusteeKeyFile.Create(trusteeKeyPath);
            var config = DefaultNodeConfig.WithName(nodeName);
            if (withTls)
            {
                using var certificate = TlsCertificates.CreateSelfSigned(nodeName, names);
                TlsConfig.Save(homePath, certificate);
                config = TlsConfig.WithTls(config);
            }

            SafeFile.CreateNew(configPath, config, isPrivate: false, "node config");
            SafeFile.CreateFolder(dataPath, "data folder");

            stdout.WriteLine($"public key:  {HexInput.Format(key.PublicKey)}");
            stdout.WriteLine($"node key:    {keyPath}");
            stdout.WriteLine($"trustee key: {HexInput.Format(trusteeKey)} ({trusteeKeyPath}; add it with `genesis add-validator --trustee-key`)");
            stdout.WriteLine($"node config: {configPath}");
            stdout.WriteLine($"data:        {dataPath}");
            if (withTls)
            {
                stdout.WriteLine($"tls:         {TlsConfig.CertificatePath(homePath)} (self-signed; clients pass it with --tls-ca)");
            }

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
