using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RocksDbSharp;
using VoteChain.Integration.Tests.BlackBox;
using VoteChain.Storage;

namespace VoteChain.Integration.Tests.Operations;

/// <summary>
/// `votechain config check` as an operator runs it, on the real executable: a good home gets its settings in force and
/// exit 0; a home with many kinds of mistakes gets every one of them, one a line, and exit 1; and a data folder of a
/// newer format is refused by `start` and the check alike with one line.
/// </summary>
public sealed class ConfigCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_good_home_passes_and_shows_each_setting_in_force_with_where_it_came_from()
    {
        using var home = new OperatorHome();
        home.EditConfig(config => config["name"] = "alpha");

        var (exitCode, output, error) = await CliProcess.RunAsync(Timeout, new Dictionary<string, string> { ["VOTECHAIN_TICK_MS"] = "60" },
            "config", "check", "--home", home.Home);

        Assert.That(exitCode, Is.Zero, error + output);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Match(@"(?m)^name\s+alpha\s+" + Regex.Escape(home.ConfigFile) + @"\s*$"), "from the config file");
        Assert.That(output, Does.Match(@"(?m)^tick_ms\s+60\s+environment VOTECHAIN_TICK_MS\s*$"), "the environment wins over the file");
        Assert.That(output, Does.Match(@"(?m)^log_format\s+text\s+\S"), "a setting the file may lack still shows");
        Assert.That(output, Does.Match(@"(?m)^key_file\s+" + Regex.Escape(home.KeyFile)), "paths resolved against the home");
        Assert.That(output, Does.Contain($"node key:").And.Contain(home.PublicKey + " (a genesis validator)"));
        Assert.That(output, Does.Contain("empty (the node starts from genesis)"));
        Assert.That(output.TrimEnd(), Does.EndWith($"ok: no problems in {home.Home}"));

        var json = JsonNode.Parse(await CliProcess.OkAsync(Timeout, "config", "check", "--home", home.Home, "--json"))!;
        Assert.That(json["problems"]!.AsArray(), Is.Empty);
        var tick = json["settings"]!.AsArray().Single(s => (string?)s!["name"] == "tick_ms")!;
        Assert.That(((string?)tick["value"], (string?)tick["source"]), Is.EqualTo(("50", home.ConfigFile)));
    }

    [Test]
    [Platform(Exclude = "Win")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_home_with_many_mistakes_gets_every_one_reported_one_a_line()
    {
        using var home = new OperatorHome(tls: true, authority: false);
        home.EditConfig(config =>
        {
            config["tick_ms"] = "fast";
            config["mempool"]!["max_txs"] = "many";
            config["listen"] = "localhost";
            config["peers"] = new JsonArray("not-a-url");
            config["log_format"] = "xml";
            config["tls"]!["certificate"] = "config/none.crt";
        });
        var openToOthers = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(home.KeyFile, openToOthers);
        var trusteeKey = Path.Combine(home.Home, "config", "trustee.key");
        File.SetUnixFileMode(trusteeKey, openToOthers);
        var nextKey = Path.Combine(home.Home, "config", "next_node_key.json");
        File.WriteAllText(nextKey, "not a key");
        File.SetUnixFileMode(nextKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var (exitCode, output, error) = await CliProcess.RunAsync(Timeout, "config", "check", "--home", home.Home);

        Assert.That(exitCode, Is.EqualTo(1), error + output);
        Assert.That(output, Is.Empty, "no settings for a home with problems");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var problems = lines.Where(l => l.StartsWith("problem: ", StringComparison.Ordinal)).ToList();
        string[] expected =
        [
            $"{home.ConfigFile}: tick_ms 'fast' is not a whole number",
            $"{home.ConfigFile}: mempool.max_txs 'many' is not a whole number",
            "listen address 'localhost' is not HOST:PORT",
            "peer 'not-a-url' is not an absolute http:// or https:// URL",
            "log_format 'xml' is not one of text, json",
            $"genesis {home.GenesisFile} is not usable: there are no election authorities",
            $"key file {home.KeyFile} is readable by others (mode 0644)",
            $"key file {nextKey} is not a valid key file",
            $"key file {trusteeKey} is readable by others (mode 0644)",
            $"TLS certificate {Path.Combine(home.Home, "config", "none.crt")}",
        ];
        foreach (var fragment in expected)
        {
            Assert.That(problems, Has.Exactly(1).Contains(fragment), error);
        }

        Assert.That(problems, Has.Count.EqualTo(expected.Length), error);
        Assert.That(lines[^1], Is.EqualTo($"error: {expected.Length} problem(s) in {home.Home}"));
        Assert.That(lines, Has.Length.EqualTo(expected.Length + 1), "nothing but the problems and the count");
    }

    [Test]
    public async Task A_data_folder_of_a_newer_format_is_refused_by_start_and_by_the_check_in_one_line()
    {
        using var home = new OperatorHome();
        var genesis = Node.Genesis.GenesisFile.Load(home.GenesisFile);
        ChainStore.Open(home.DataDir, genesis.ChainId, Consensus.Genesis.GenesisHash.Of(genesis)).Dispose();
        StampVersion(home.DataDir, StoreFormat.Current + 1);
        var expected = $"data folder {home.DataDir} has format version {StoreFormat.Current + 1}; this votechain reads up to "
            + $"{StoreFormat.Current}: upgrade votechain (or restore a backup made by this version)";

        var start = await CliProcess.RunAsync(Timeout, "start", "--home", home.Home, "--listen", $"127.0.0.1:{LoopbackPorts.Free()}");
        var check = await CliProcess.RunAsync(Timeout, "config", "check", "--home", home.Home);

        Assert.That(start.ExitCode, Is.EqualTo(1), start.Error + start.Output);
        Assert.That(start.Error.TrimEnd('\n').Split('\n'), Is.EqualTo(new[] { $"error: {expected}" }));
        Assert.That(check.ExitCode, Is.EqualTo(1), check.Error + check.Output);
        Assert.That(check.Error.TrimEnd('\n').Split('\n'), Is.EqualTo(new[] { $"problem: {expected}", $"error: 1 problem(s) in {home.Home}" }));
    }

    /// <summary>What a newer votechain leaves: its version in the meta column (the one key every version keeps).</summary>
    private static void StampVersion(string folder, int version)
    {
        var families = new ColumnFamilies();
        foreach (var family in RocksDb.ListColumnFamilies(new DbOptions(), folder).Where(f => f != "default"))
        {
            families.Add(family, new ColumnFamilyOptions());
        }

        using var db = RocksDb.Open(new DbOptions(), folder, families);
        db.Put(Encoding.ASCII.GetBytes("format_version"), Encoding.ASCII.GetBytes(version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            db.GetColumnFamily("meta"));
    }
}
