using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;
using static VoteChain.Integration.Tests.Cli.ChainCommandTests;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>voters generate/register/revoke, vote and tally against a real node.</summary>
public sealed class VoterCommandTests
{
    private CliHarness _cli = null!;
    private VoteChainApi.VoteChainApiClient _api = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _cli = await CliHarness.StartAsync();
        _api = _cli.Network.Api(0);
    }

    [OneTimeTearDown]
    public async Task StopNode() => await _cli.DisposeAsync();

    [Test]
    public async Task Generate_writes_private_key_files_and_a_csv_and_refuses_a_second_time()
    {
        var dir = Path.Combine(_cli.Folder, "generated");
        var result = await CliHarness.Run(["voters", "generate", "--count", "5", "--out", dir]);
        Assert.That(result.Code, Is.Zero, result.ToString());
        var lines = File.ReadAllLines(Path.Combine(dir, "voters.csv"));
        Assert.That(lines[0], Is.EqualTo("public_key_hex,weight"));
        Assert.That(lines.Skip(1).ToArray(), Has.Length.EqualTo(5).And.All.Match("^[0-9a-f]{64},1$"));
        Assert.That(File.Exists(Path.Combine(dir, "voter-00005.json")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(dir, "voter-00001.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        AssertOneLineError(await CliHarness.Run(["voters", "generate", "--count", "5", "--out", dir]), "already exists");
    }

    [Test]
    public async Task Register_reports_bad_lines_by_number_and_still_registers_the_good_ones()
    {
        await _cli.CreateElectionAsync("csv");
        var good = Enumerable.Range(0, 3).Select(_ => Convert.ToHexStringLower(_cli.NewVoter().PublicKey)).ToList();
        var offCurve = Enumerable.Range(1, 255).Select(i => new byte[32].Select((_, j) => j == 0 ? (byte)i : (byte)0).ToArray())
            .First(k => !Ed25519.IsWellFormedPublicKey(k));
        var csv = _cli.WriteFile("mixed.csv", string.Join('\n',
            "public_key_hex,weight",   // 1
            $"{good[0]},2",            // 2
            "# a comment",             // 3
            "zz-not-hex",              // 4
            "",                        // 5
            $"{good[1]}",              // 6
            $"{good[0]},1",            // 7 duplicate of line 2
            $"{good[2]},0",            // 8 bad weight
            $"{good[2]}",              // 9
            Convert.ToHexStringLower(offCurve), // 10 not a curve point
            $"{good[1][..10]}"));      // 11 too short
        var result = await _cli.RunAsync("voters", "register", "--key", _cli.AuthorityKey, "--election", "csv", "--file", csv, "--wait", "--batch", "2");

        Assert.That(result.Code, Is.EqualTo(1), result.ToString());
        Assert.That(result.Err.Trim(), Does.StartWith("error: ").And.Contain("not registered"));
        Assert.That(result.Out, Does.Contain("mixed.csv:4: refused: public key is not valid hex"));
        Assert.That(result.Out, Does.Contain("mixed.csv:7: refused: duplicate of line 2"));
        Assert.That(result.Out, Does.Contain("mixed.csv:8: refused: weight '0'"));
        Assert.That(result.Out, Does.Contain("mixed.csv:10: refused: public key is not a valid Ed25519 public key"));
        Assert.That(result.Out, Does.Contain("mixed.csv:11: refused: public key must be 32 bytes"));
        Assert.That(result.Out, Does.Contain("registered (committed): 3"));
        var tally = await _api.GetTallyAsync(new GetTallyRequest { ElectionId = "csv" });
        Assert.That(tally.Tally.RegisteredCredentials, Is.EqualTo(3));
        Assert.That(tally.Tally.RegisteredWeight, Is.EqualTo(4));

        var json = await _cli.RunAsync("voters", "register", "--key", _cli.AuthorityKey, "--election", "csv", "--file", csv, "--json");
        Assert.That(json.Json.GetProperty("registered").GetInt32(), Is.Zero, "the good lines are registered already");
        Assert.That(json.Json.GetProperty("refused_batches").EnumerateArray().Select(b => b.GetProperty("reason").GetString()),
            Is.All.StartsWith("ALREADY_REGISTERED"));
        Assert.That(json.Json.GetProperty("refused_lines").EnumerateArray().Select(l => l.GetProperty("line").GetInt32()), Does.Contain(4).And.Contain(11));
    }

    [Test]
    public async Task A_revote_counts_once_with_the_new_option()
    {
        await _cli.CreateElectionAsync("revote", allowRevote: true);
        var (key, publicKey) = _cli.NewVoter();
        await _cli.RegisterAsync("revote", publicKey);

        var first = await _cli.RunAsync("vote", "--key", key, "--election", "revote", "--option", "yes", "--wait");
        Assert.That(first.Code, Is.Zero, first.ToString());
        Assert.That(first.Out, Does.StartWith("voting in election 'revote': option 0 'yes'\n")
            .And.Match("(?m)^[0-9a-f]{64}$").And.Contain("committed at height"));
        var second = await _cli.RunAsync("vote", "--key", key, "--election", "revote", "--option", "2", "--wait", "--json");
        Assert.That(second.Code, Is.Zero, second.ToString());
        Assert.That(second.Json.GetProperty("sequence").GetInt32(), Is.EqualTo(2));
        Assert.That(second.Json.GetProperty("option").GetString(), Is.EqualTo("maybe"));

        var tally = (await _api.GetTallyAsync(new GetTallyRequest { ElectionId = "revote" })).Tally;
        Assert.That(tally.CountedBallots, Is.EqualTo(1));
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0, 1 }));
    }

    [Test]
    public async Task Voting_twice_without_revote_is_one_line_already_voted()
    {
        await _cli.CreateElectionAsync("once");
        var (key, publicKey) = _cli.NewVoter();
        await _cli.RegisterAsync("once", publicKey);
        Assert.That((await _cli.RunAsync("vote", "--key", key, "--election", "once", "--option", "no", "--wait")).Code, Is.Zero);
        AssertOneLineError(await _cli.RunAsync("vote", "--key", key, "--election", "once", "--option", "yes"), "ALREADY_VOTED");
    }

    [Test]
    public async Task A_revoked_credential_leaves_the_tally_and_its_replacement_can_vote()
    {
        await _cli.CreateElectionAsync("revoke");
        var (lost, lostKey) = _cli.NewVoter();
        var (replacement, replacementKey) = _cli.NewVoter();
        await _cli.RegisterAsync("revoke", lostKey);
        Assert.That((await _cli.RunAsync("vote", "--key", lost, "--election", "revoke", "--option", "yes", "--wait")).Code, Is.Zero);

        var revoked = await _cli.RunAsync("voters", "revoke", "--key", _cli.AuthorityKey, "--election", "revoke",
            "--pubkey", Convert.ToHexStringLower(lostKey), "--replacement", Convert.ToHexStringLower(replacementKey), "--wait");
        Assert.That(revoked.Code, Is.Zero, revoked.ToString());
        var tally = (await _api.GetTallyAsync(new GetTallyRequest { ElectionId = "revoke" })).Tally;
        Assert.That((tally.CountedBallots, tally.RegisteredCredentials), Is.EqualTo((0UL, 1UL)));

        AssertOneLineError(await _cli.RunAsync("vote", "--key", lost, "--election", "revoke", "--option", "no"), "CREDENTIAL_REVOKED");
        Assert.That((await _cli.RunAsync("vote", "--key", replacement, "--election", "revoke", "--option", "no", "--wait")).Code, Is.Zero);
    }

    [Test]
    public async Task Tally_text_and_json_match_the_node()
    {
        await _cli.CreateElectionAsync("count");
        var voters = Enumerable.Range(0, 3).Select(_ => _cli.NewVoter()).ToList();
        await _cli.RegisterAsync("count", [.. voters.Select(v => v.PublicKey)]);
        for (var i = 0; i < voters.Count; i++)
        {
            Assert.That((await _cli.RunAsync("vote", "--key", voters[i].Path, "--election", "count", "--option", i == 2 ? "no" : "yes", "--wait")).Code, Is.Zero);
        }

        var node = await _api.GetTallyAsync(new GetTallyRequest { ElectionId = "count" });
        var json = (await _cli.RunAsync("tally", "--election", "count", "--json")).Json;
        Assert.That(json.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("weight").GetUInt64()), Is.EqualTo(node.Tally.OptionWeights));
        Assert.That(json.GetProperty("counted_ballots").GetUInt64(), Is.EqualTo(node.Tally.CountedBallots));
        Assert.That(json.GetProperty("registered_weight").GetUInt64(), Is.EqualTo(node.Tally.RegisteredWeight));
        Assert.That(json.GetProperty("turnout_percent").GetDouble(), Is.EqualTo(100.0));
        Assert.That(json.GetProperty("options")[0].GetProperty("share_percent").GetDouble(), Is.EqualTo(200.0 / 3).Within(1e-9));

        var text = await _cli.RunAsync("tally", "--election", "count");
        Assert.That(text.Out, Does.Match(@"yes\s+2\s+66\.67%").And.Match(@"no\s+1\s+33\.33%").And.Contain("counted: weight 3 from 3 ballots"));
    }

    [Test]
    public async Task Voting_after_the_close_is_one_line_election_closed()
    {
        var closesAt = DateTimeOffset.UtcNow.AddSeconds(4);
        await _cli.CreateElectionAsync("closing", closesAt: closesAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture));
        var (key, publicKey) = _cli.NewVoter();
        await _cli.RegisterAsync("closing", publicKey);

        // The node admits transactions against its clock; this process shares it.
        await Eventually.HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow > closesAt), TimeSpan.FromSeconds(10), () => "the close");
        AssertOneLineError(await _cli.RunAsync("vote", "--key", key, "--election", "closing", "--option", "yes"), "ELECTION_CLOSED");
    }

    [Test]
    public async Task Watch_follows_the_tally_until_the_node_ends_the_stream()
    {
        await using var cli = await CliHarness.StartAsync();
        await cli.CreateElectionAsync("live");
        var (key, publicKey) = cli.NewVoter();
        await cli.RegisterAsync("live", publicKey);

        var output = new StringWriter();
        var watch = Task.Run(() => VoteChain.Node.Cli.CliApp.Run(["tally", "--election", "live", "--watch", "--json", "--node", cli.Network.Url(0)], TextWriter.Synchronized(output), TextWriter.Null));
        await Eventually.HoldsAsync(() => Task.FromResult(output.ToString().Contains("\"counted_ballots\":0", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), () => "the first tally");
        Assert.That((await cli.RunAsync("vote", "--key", key, "--election", "live", "--option", "yes")).Code, Is.Zero);
        await Eventually.HoldsAsync(() => Task.FromResult(output.ToString().Contains("\"counted_ballots\":1", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), () => output.ToString());

        await cli.Network.StopAsync(0);
        Assert.That(await watch.WaitAsync(TimeSpan.FromSeconds(10)), Is.Zero, "the node ended the stream: the watch is over");
        Assert.That(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.StartsWith("{\"election_id\":\"live\""));
    }
}
