using System.Net;
using System.Net.Sockets;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>status, election create/show/list and block against a real node, and the one-line errors.</summary>
public sealed class ChainCommandTests
{
    private CliHarness _cli = null!;

    [OneTimeSetUp]
    public async Task StartNode() => _cli = await CliHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopNode() => await _cli.DisposeAsync();

    [Test]
    public async Task Status_prints_the_chain_in_text_and_json()
    {
        var text = await _cli.RunAsync("status");
        Assert.That(text.Code, Is.Zero, text.ToString());
        Assert.That(text.Out, Does.Contain($"chain:        {TestNetwork.ChainId}").And.Contain("(validator)").And.Contain("height:"));

        var json = (await _cli.RunAsync("status", "--json")).Json;
        Assert.That(json.GetProperty("chain_id").GetString(), Is.EqualTo(TestNetwork.ChainId));
        Assert.That(json.GetProperty("role").GetString(), Is.EqualTo("validator"));
        Assert.That(json.GetProperty("head_hash").GetString(), Has.Length.EqualTo(64));
        foreach (var field in new[] { "name", "height", "view", "genesis_hash", "mempool_size", "syncing", "evidence", "peers" })
        {
            Assert.That(json.TryGetProperty(field, out _), field);
        }
    }

    [Test]
    public async Task An_election_created_with_a_relative_close_and_wait_can_be_shown_and_listed()
    {
        var created = await _cli.CreateElectionAsync("show-me");
        Assert.That(created.Out, Does.Match("election show-me submitted in tx [0-9a-f]{64}").And.Contain("committed at height"));

        var shown = await _cli.RunAsync("election", "show", "--id", "show-me", "--json");
        Assert.That(shown.Code, Is.Zero, shown.ToString());
        var closes = DateTimeOffset.Parse(shown.Json.GetProperty("closes_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(closes - DateTimeOffset.UtcNow, Is.InRange(TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61)));
        Assert.That(shown.Json.GetProperty("options").EnumerateArray().Select(o => o.GetString()), Is.EqualTo(new[] { "yes", "no", "maybe" }));

        var text = await _cli.RunAsync("election", "show", "--id", "show-me");
        Assert.That(text.Out, Does.Contain("title:        Election show-me").And.Contain("0 yes, 1 no, 2 maybe"));

        var list = await _cli.RunAsync("election", "list", "--json");
        Assert.That(list.Json.GetProperty("elections").EnumerateArray().Select(e => e.GetProperty("election_id").GetString()), Does.Contain("show-me"));
        Assert.That((await _cli.RunAsync("election", "list")).Out, Does.Contain("show-me"));
    }

    [Test]
    public async Task A_duplicate_election_id_is_one_line_with_the_rule_code()
    {
        await _cli.CreateElectionAsync("twice");
        var again = await _cli.RunAsync("election", "create", "--key", _cli.AuthorityKey, "--id", "twice", "--title", "t",
            "--option", "a", "--option", "b", "--closes-at", "+1h");
        AssertOneLineError(again, "ELECTION_EXISTS");
    }

    [Test]
    public async Task Block_one_prints_its_header_and_certificate()
    {
        await _cli.CreateElectionAsync("block-one");
        var text = await _cli.RunAsync("block", "--height", "1");
        Assert.That(text.Code, Is.Zero, text.ToString());
        Assert.That(text.Out, Does.Contain("height:        1").And.Contain("certificate:   view").And.Match("hash:          [0-9a-f]{64}"));

        var json = (await _cli.RunAsync("block", "--height", "1", "--json")).Json;
        Assert.That(json.GetProperty("tx_ids").GetArrayLength(), Is.EqualTo(json.GetProperty("tx_count").GetInt32()));
        Assert.That(json.GetProperty("certificate").GetProperty("signer_indexes").EnumerateArray().Select(i => i.GetInt32()), Is.EqualTo(new[] { 0 }));

        var byHash = await _cli.RunAsync("block", "--hash", json.GetProperty("hash").GetString()!, "--json");
        Assert.That(byHash.Json.GetProperty("height").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task An_unreachable_node_is_one_line_saying_so()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        AssertOneLineError(await CliHarness.Run(["status", "--node", $"http://127.0.0.1:{port}"]), "cannot reach");
    }

    [Test]
    public async Task A_bad_key_file_is_one_line()
    {
        var bad = _cli.WriteFile("bad-key.json", "{ not json");
        var result = await _cli.RunAsync("election", "create", "--key", bad, "--id", "x", "--title", "t",
            "--option", "a", "--option", "b", "--closes-at", "+1h");
        AssertOneLineError(result, "key file");
    }

    [Test]
    public async Task An_unknown_election_is_one_line_with_the_rule_code()
    {
        AssertOneLineError(await _cli.RunAsync("election", "show", "--id", "nowhere"), "UNKNOWN_ELECTION");
        AssertOneLineError(await _cli.RunAsync("tally", "--election", "nowhere"), "UNKNOWN_ELECTION");
        var (voter, _) = _cli.NewVoter();
        AssertOneLineError(await _cli.RunAsync("vote", "--key", voter, "--election", "nowhere", "--option", "0"), "UNKNOWN_ELECTION");
    }

    internal static void AssertOneLineError(CliResult result, string expected)
    {
        Assert.That(result.Code, Is.EqualTo(1), result.ToString());
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(expected));
    }
}
