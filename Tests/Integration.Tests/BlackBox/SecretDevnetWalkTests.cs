using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// A secret election walked end to end as people do it, every step a separate `votechain` process against a real
/// devnet: the validators' trustee services generate the key on their own, voters encrypt (one audits a ballot with
/// the Benaloh challenge first), one revotes, a trustee goes offline, and after the close the result appears with
/// no one asking; tally, receipt and audit check it from the chain.
/// </summary>
public sealed class SecretDevnetWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_secret_election_runs_from_key_generation_to_a_verified_result_with_one_trustee_offline()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-secret-walk-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(5);
        var node = $"http://127.0.0.1:{basePort}";
        var observer = $"http://127.0.0.1:{basePort + 4}";
        var dir = Path.Combine(root, "devnet");
        var starting = Stopwatch.StartNew();
        await using (var devnet = ServiceProcess.Devnet(dir, basePort))
        {
            await devnet.WaitUntilRunningAsync(Step, "the devnet to start");
            var started = starting.Elapsed;
            var authority = Path.Combine(dir, "authority.json");
            var genesis = Path.Combine(dir, "genesis.json");
            await Ok("voters", "generate", "--count", "3", "--out", Path.Combine(root, "voters"));

            // Three phases of 3 s at most; the close leaves time for the key, the votes and a trustee's stop: three times
            // what starting the devnet took on this machine (work of the same kind: processes starting, blocks
            // committing), at least 15 s. The steps take 1.7 to 2 times the devnet's start (11 s on an unloaded 2-core
            // machine whose devnet starts in 6 s, about twice both under load); every second of the window past them is
            // waited out, and the assertion before the close says so should the window ever be too short.
            var window = Math.Max(15, (int)Math.Ceiling(3 * started.TotalSeconds));
            await Ok("election", "create", "--node", node, "--key", authority, "--id", "secret-walk", "--title", "Secret walk",
                "--option", "yes", "--option", "no", "--closes-at", $"+{window}s", "--allow-revote", "--secret", "--key-phase", "3", "--wait");
            await Ok("voters", "register", "--node", node, "--key", authority, "--election", "secret-walk", "--file",
                Path.Combine(root, "voters", "voters.csv"), "--wait");

            // The validators are the trustees by default: their nodes deal and acknowledge on their own.
            await Eventually.HoldsAsync(async () => Secret(await Ok("election", "show", "--node", node, "--id", "secret-walk", "--json"))
                .GetProperty("key_generation").GetProperty("phase").GetString() == "final", Step, () => "the joint key");
            var shown = JsonDocument.Parse(await Ok("election", "show", "--node", node, "--id", "secret-walk", "--json")).RootElement;
            var closesAt = DateTimeOffset.Parse(shown.GetProperty("closes_at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var show = shown.GetProperty("secret");
            Assert.That(show.GetProperty("threshold").GetUInt32(), Is.EqualTo(3), "n - f of 4 trustees");
            Assert.That(show.GetProperty("key_generation").GetProperty("qualified_dealers").GetArrayLength(), Is.EqualTo(4));

            var voter1 = Path.Combine(root, "voters", "voter-00001.json");
            var voter2 = Path.Combine(root, "voters", "voter-00002.json");
            var voter3 = Path.Combine(root, "voters", "voter-00003.json");

            // The Benaloh challenge: the audited ballot opens to the choice, checks against the joint key, and is not cast.
            var audited = await Ok("vote", "--node", node, "--key", voter1, "--election", "secret-walk", "--option", "yes",
                "--audit-ballot", "--json");
            var auditFile = Path.Combine(root, "audit.json");
            await File.WriteAllTextAsync(auditFile, audited);
            await Ok("ballot", "check", "--node", node, "--file", auditFile);
            var opened = JsonDocument.Parse(audited).RootElement;
            Assert.That(opened.GetProperty("options")[0].GetProperty("value").GetUInt64(), Is.EqualTo(1), audited);
            Assert.That(opened.GetProperty("options")[1].GetProperty("value").GetUInt64(), Is.EqualTo(0), audited);

            var vote = await Ok("vote", "--node", node, "--key", voter1, "--election", "secret-walk", "--option", "no", "--wait", "--json");
            var firstTx = JsonDocument.Parse(vote).RootElement.GetProperty("tx_id").GetString()!;
            await Ok("vote", "--node", node, "--key", voter2, "--election", "secret-walk", "--option", "yes", "--wait");
            await Ok("vote", "--node", node, "--key", voter3, "--election", "secret-walk", "--option", "no", "--wait");
            // Voter 1 changes their mind: the revote's ciphertexts replace the first ones in the encrypted tally.
            var revote = await Ok("vote", "--node", node, "--key", voter1, "--election", "secret-walk", "--option", "yes", "--wait", "--json");
            var revoteTx = JsonDocument.Parse(revote).RootElement.GetProperty("tx_id").GetString()!;

            // Until the result, turnout only.
            var before = JsonDocument.Parse(await Ok("tally", "--node", node, "--election", "secret-walk", "--json")).RootElement;
            Assert.That(before.GetProperty("secret").GetBoolean(), Is.True);
            Assert.That(before.GetProperty("result_published").GetBoolean(), Is.False);
            Assert.That(before.GetProperty("counted_ballots").GetInt64(), Is.EqualTo(3));
            Assert.That(before.GetProperty("options")[0].GetProperty("weight").ValueKind, Is.EqualTo(JsonValueKind.Null));

            // One trustee goes offline before the close; 3 of the other 3 are still the threshold.
            await Ok("devnet", "stop-node", "--dir", dir, "validator3");
            Assert.That(await NodeQueries.HeadTimeAsync(node), Is.LessThan(closesAt),
                $"validator3 was down before the close (the {window} s window was too short for the steps on this machine)");

            await Eventually.HoldsAsync(async () => await NodeQueries.TallyAsync(observer, "secret-walk") is { ResultPublished: true },
                TimeSpan.FromSeconds(150), () => "the published result at the observer");
            var after = JsonDocument.Parse(await Ok("tally", "--node", observer, "--election", "secret-walk", "--json")).RootElement;
            Assert.That(after.GetProperty("result_verified").GetBoolean(), Is.True, after.ToString());
            Assert.That(after.GetProperty("options")[0].GetProperty("weight").GetUInt64(), Is.EqualTo(2), "yes: voters 2 and 1 (revoted)");
            Assert.That(after.GetProperty("options")[1].GetProperty("weight").GetUInt64(), Is.EqualTo(1), "no: voter 3");

            // Voter 1's first ballot is included but no longer the one counted for the credential.
            var first = JsonDocument.Parse(await Ok("receipt", "--node", node, "--tx", firstTx, "--genesis", genesis, "--json")).RootElement;
            Assert.That(first.GetProperty("encrypted").GetBoolean(), Is.True, first.ToString());
            Assert.That(first.GetProperty("counted_now").GetBoolean(), Is.False, first.ToString());
            var latest = JsonDocument.Parse(await Ok("receipt", "--node", node, "--tx", revoteTx, "--genesis", genesis, "--json")).RootElement;
            Assert.That(latest.GetProperty("counted_now").GetBoolean(), Is.True, latest.ToString());
            Assert.That(latest.GetProperty("ciphertexts_counted").GetBoolean(), Is.True, latest.ToString());

            var audit = await Ok("audit", "--node", observer, "--genesis", genesis, "--json");
            Assert.That(JsonDocument.Parse(audit).RootElement.GetProperty("ok").GetBoolean(), Is.True, audit);
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    private static JsonElement Secret(string showJson) => JsonDocument.Parse(showJson).RootElement.GetProperty("secret");

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);
}
