using System.Text.Json.Nodes;
using VoteChain.Node.Cli;

namespace VoteChain.Integration.Tests.Operations;

/// <summary>
/// A node home made the way an operator makes one (init, then a genesis naming its key), in a temporary folder removed
/// on dispose. The setup runs the CLI in this process: it is not what these tests judge, and a process per step is slow.
/// </summary>
internal sealed class OperatorHome : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "votechain-ops-" + Guid.NewGuid().ToString("N")[..8]);

    /// <param name="authority">Whether the genesis names an election authority; without one it cannot start a chain.</param>
    public OperatorHome(bool tls = false, bool authority = true)
    {
        Home = Path.Combine(_root, "node");
        var init = Cli(["init", "--home", Home, .. tls ? ["--tls"] : Array.Empty<string>()]);
        PublicKey = init.Split('\n').First(l => l.StartsWith("public key:", StringComparison.Ordinal))["public key:".Length..].Trim();
        Cli("genesis", "new", "--chain-id", "ops-test", "--out", GenesisFile);
        Cli("genesis", "add-validator", "--genesis", GenesisFile, "--pubkey", PublicKey, "--endpoint", "http://127.0.0.1:7100");
        if (authority)
        {
            Cli("genesis", "add-authority", "--genesis", GenesisFile, "--pubkey", PublicKey);
        }
    }

    public string Home { get; }

    public string PublicKey { get; }

    public string ConfigFile => Path.Combine(Home, "config", "node.json");

    public string GenesisFile => Path.Combine(Home, "config", "genesis.json");

    public string KeyFile => Path.Combine(Home, "config", "node_key.json");

    public string DataDir => Path.Combine(Home, "data");

    /// <summary>Changes node.json as an operator with an editor would.</summary>
    public void EditConfig(Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigFile))!.AsObject();
        edit(config);
        File.WriteAllText(ConfigFile, config.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.That(CliApp.Run(args, output, error), Is.Zero, () => $"votechain {string.Join(' ', args)}: {error}");
        return output.ToString();
    }
}
