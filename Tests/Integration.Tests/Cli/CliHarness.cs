using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli;
using VoteChain.Node.Keys;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>What one CLI run printed and returned.</summary>
internal sealed record CliResult(int Code, string Out, string Err)
{
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    public override string ToString() => $"exit {Code}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>
/// Runs the votechain CLI in-process as an operator would, against one real node of a test network, with a
/// temp folder for key and CSV files.
/// </summary>
internal sealed class CliHarness : IAsyncDisposable
{
    private CliHarness(TestNetwork network, string folder)
    {
        Network = network;
        Folder = folder;
    }

    public TestNetwork Network { get; }

    public string Folder { get; }

    public string AuthorityKey => Path.Combine(Folder, "authority.json");

    /// <param name="validators">Validators of the network, all running (1: a chain that commits on its own).</param>
    public static async Task<CliHarness> StartAsync(int validators = 1)
    {
        var network = TestNetwork.Create(validators, observers: 0);
        await network.StartAllAsync();
        var harness = new CliHarness(network, Path.Combine(network.Root, "cli"));
        KeyFile.Save(harness.AuthorityKey, network.Authority);
        return harness;
    }

    /// <summary>Runs a command against node 0 (unless the arguments name a node); on a worker thread, as the CLI blocks.</summary>
    public Task<CliResult> RunAsync(params string[] args) =>
        Run(args.Contains("--node") ? args : [.. args, "--node", Network.Url(0)]);

    public static Task<CliResult> Run(string[] args) => Task.Run(() =>
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    });

    /// <summary>Validator <paramref name="node"/>'s own key file (what an operator signs governance with).</summary>
    public string ValidatorKey(int node) => Path.Combine(Network.Home(node), "config", "node_key.json");

    /// <summary>A new voter key file and its public key.</summary>
    public (string Path, byte[] PublicKey) NewVoter()
    {
        using var key = Ed25519KeyPair.Generate();
        var path = Path.Combine(Folder, $"voter-{Guid.NewGuid():N}.json");
        KeyFile.Save(path, key);
        return (path, key.PublicKey);
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<CliResult> CreateElectionAsync(string id, bool allowRevote = false, string closesAt = "+1h")
    {
        string[] args = ["election", "create", "--key", AuthorityKey, "--id", id, "--title", $"Election {id}",
            "--option", "yes", "--option", "no", "--option", "maybe", "--closes-at", closesAt, "--wait"];
        var result = await RunAsync(allowRevote ? [.. args, "--allow-revote"] : args);
        Assert.That(result.Code, Is.Zero, result.ToString());
        return result;
    }

    public async Task RegisterAsync(string id, params byte[][] voters)
    {
        var csv = WriteFile($"{id}-{Guid.NewGuid():N}.csv", string.Concat(voters.Select(v => Convert.ToHexStringLower(v) + "\n")));
        var result = await RunAsync("voters", "register", "--key", AuthorityKey, "--election", id, "--file", csv, "--wait");
        Assert.That(result.Code, Is.Zero, result.ToString());
    }

    public async ValueTask DisposeAsync() => await Network.DisposeAsync();
}
