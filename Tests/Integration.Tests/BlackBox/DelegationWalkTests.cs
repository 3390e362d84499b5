using System.Text.Json;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Proxy voting at a shareholder meeting, as the operator and holders do it, every step a separate `votechain` process
/// against a real devnet: an election allowing delegation, holders with weights, two appointments, the proxy's vote
/// carrying their weight, a holder overriding it by voting, a withdrawal, the refusals, the standing each holder sees,
/// and an audit that recomputes it all. The walk is printed (the closing note of issue 13 quotes it).
/// </summary>
public sealed class DelegationWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Holders_appoint_a_proxy_override_it_and_withdraw_and_the_tally_splits_direct_and_proxy_weight()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-proxy-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(4);
        var node = $"http://127.0.0.1:{basePort}";
        await using (var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort, validators: 4, observers: 0))
        {
            await devnet.WaitUntilRunningAsync(Step, "the devnet to start");
            var authority = Path.Combine(root, "devnet", "authority.json");
            var genesis = Path.Combine(root, "devnet", "genesis.json");

            // An election allowing delegation; --secret cannot go with it (usage error, exit 2).
            var secret = await CliProcess.RunAsync(Step, "election", "create", "--node", node, "--key", authority, "--id", "x", "--title", "X",
                "--option", "a", "--option", "b", "--closes-at", "+1h", "--allow-delegation", "--secret");
            Assert.That(secret.ExitCode, Is.EqualTo(2), secret.Error);
            Assert.That(secret.Error, Does.Contain("--allow-delegation cannot go with --secret"));
            await Walk("election", "create", "--node", node, "--key", authority, "--id", "agm", "--title", "Annual meeting: dividend",
                "--option", "for", "--option", "against", "--closes-at", "+1h", "--allow-delegation", "--wait");

            // Holders A (100 shares), B (50), proxy P (10), and C (25) who never appoints anyone.
            var folder = Path.Combine(root, "holders");
            await Ok("voters", "generate", "--count", "4", "--out", folder);
            var keys = Enumerable.Range(1, 4).Select(i => Path.Combine(folder, $"voter-{i:00000}.json")).ToArray();
            var hex = keys.Select(k => JsonDocument.Parse(File.ReadAllText(k)).RootElement.GetProperty("public_key").GetString()!).ToArray();
            var (a, b, p, c) = (0, 1, 2, 3);
            var csv = Path.Combine(root, "holders.csv");
            await File.WriteAllLinesAsync(csv, ["public_key_hex,weight", $"{hex[a]},100", $"{hex[b]},50", $"{hex[p]},10", $"{hex[c]},25"]);
            await Ok("voters", "register", "--node", node, "--key", authority, "--election", "agm", "--file", csv, "--wait");

            Assert.That(await Walk("delegate", "--node", node, "--key", keys[a], "--election", "agm", "--to", hex[p], "--wait"),
                Does.Contain("your proxy has not voted: your weight is not cast yet"));
            await Walk("delegate", "--node", node, "--key", keys[b], "--election", "agm", "--to", hex[p], "--wait");
            Assert.That(await Walk("tally", "--node", node, "--election", "agm"), Does.Contain("0 cast directly, 0 cast by proxies; 2 appointments in force"));

            // The proxy votes: its own 10 and its holders' 150.
            Assert.That(await Walk("vote", "--node", node, "--key", keys[p], "--election", "agm", "--option", "for", "--wait"),
                Does.Contain("as a proxy: this vote also carries weight 150 of 2 holders who appointed you and have not voted"));
            var tally = await Tally(node);
            Assert.That(Weights(tally), Is.EqualTo(new ulong[] { 160, 0 }));
            Assert.That((Number(tally, "direct_weight"), Number(tally, "proxy_weight")), Is.EqualTo((10UL, 150UL)));

            // B votes itself: its own vote overrides the appointment, after the proxy voted.
            await Walk("vote", "--node", node, "--key", keys[b], "--election", "agm", "--option", "against", "--wait");
            await Walk("vote", "--node", node, "--key", keys[c], "--election", "agm", "--option", "against", "--wait");
            tally = await Tally(node);
            Assert.That(Weights(tally), Is.EqualTo(new ulong[] { 110, 75 }));
            Assert.That((Number(tally, "direct_weight"), Number(tally, "proxy_weight")), Is.EqualTo((85UL, 100UL)));
            await Walk("tally", "--node", node, "--election", "agm");

            // Each holder sees whom it appointed and whether its weight was used.
            var shownA = await Walk("election", "show", "--node", node, "--id", "agm", "--voter", hex[a]);
            Assert.That(shownA, Does.Contain($"proxy:        {hex[p]}").And.Contain("your weight was cast by your proxy for 'for'"));
            var shownB = JsonDocument.Parse(await Ok("election", "show", "--node", node, "--id", "agm", "--voter", hex[b], "--json")).RootElement;
            var standingB = shownB.GetProperty("voter").GetProperty("delegation");
            Assert.That(standingB.GetProperty("state").GetString(), Is.EqualTo("own_vote_counts"));
            Assert.That(standingB.GetProperty("weight_used").GetBoolean(), Is.False);
            Assert.That(shownB.GetProperty("allow_delegation").GetBoolean(), Is.True);
            Assert.That(await Walk("election", "show", "--node", node, "--id", "agm", "--voter", hex[p]),
                Does.Contain("as a proxy:   1 holder with weight 100 cast with this credential's vote"));

            // The rules' refusals, one line each, exit 1; a usage mistake exits 2.
            Assert.That(await Fails("delegate", "--node", node, "--key", keys[c], "--election", "agm", "--to", hex[c]), Does.Contain("SELF_DELEGATION"));
            var stranger = Path.Combine(root, "stranger");
            await Ok("voters", "generate", "--count", "1", "--out", stranger);
            var strangerHex = File.ReadAllLines(Path.Combine(stranger, "voters.csv"))[1].Split(',')[0];
            Assert.That(await Fails("delegate", "--node", node, "--key", keys[c], "--election", "agm", "--to", strangerHex), Does.Contain("PROXY_NOT_REGISTERED"));
            Assert.That(await Fails("delegate", "--node", node, "--key", Path.Combine(stranger, "voter-00001.json"), "--election", "agm", "--to", hex[p]),
                Does.Contain("NOT_REGISTERED"));
            var both = await CliProcess.RunAsync(Step, "delegate", "--node", node, "--key", keys[a], "--election", "agm", "--to", hex[p], "--revoke");
            Assert.That(both.ExitCode, Is.EqualTo(2), both.Error);

            // A withdraws: its 100 leave the proxy's option; nothing more to withdraw afterwards.
            Assert.That(await Walk("delegate", "--node", node, "--key", keys[a], "--election", "agm", "--revoke", "--wait"),
                Does.Contain("no proxy appointed: your weight counts only if you vote"));
            Assert.That(Weights(await Tally(node)), Is.EqualTo(new ulong[] { 10, 75 }));
            Assert.That(await Fails("delegate", "--node", node, "--key", keys[a], "--election", "agm", "--revoke"), Does.Contain("DELEGATION_UNCHANGED"));

            var audit = JsonDocument.Parse(await Ok("audit", "--node", node, "--genesis", genesis, "--json")).RootElement;
            Assert.That(audit.GetProperty("ok").GetBoolean(), Is.True, audit.ToString());
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    private static async Task<JsonElement> Tally(string node) =>
        JsonDocument.Parse(await Ok("tally", "--node", node, "--election", "agm", "--json")).RootElement;

    private static ulong[] Weights(JsonElement tally) =>
        [.. tally.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("weight").GetUInt64())];

    private static ulong Number(JsonElement tally, string name) => tally.GetProperty(name).GetUInt64();

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);

    private static Task<string> Fails(params string[] args) => CliProcess.FailsAsync(Step, args);

    /// <summary>Runs a step that must succeed and prints it with its output: the walk as an operator would see it.</summary>
    private static async Task<string> Walk(params string[] args)
    {
        var output = await Ok(args);
        await TestContext.Out.WriteLineAsync($"$ votechain {string.Join(' ', args.Select(a => a.Contains(' ') ? $"'{a}'" : a))}\n{output}");
        return output;
    }
}
