using System.Text.Json;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// The full walk as an operator does it, every step a separate `votechain` process against a real devnet process:
/// devnet, election, voters, votes, revote and refusal, tally, receipt (and a tampered one), audit, clean stop.
/// </summary>
public sealed class DevnetWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task An_operator_runs_an_election_on_a_devnet_from_start_to_audit()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-walk-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(5);
        var node = $"http://127.0.0.1:{basePort}";
        var observer = $"http://127.0.0.1:{basePort + 4}";
        ulong heightBeforeStop;
        await using (var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort))
        {
            await devnet.WaitUntilRunningAsync(Step, "the devnet to start");
            var authority = Path.Combine(root, "devnet", "authority.json");
            var genesis = Path.Combine(root, "devnet", "genesis.json");

            await Ok("election", "create", "--node", node, "--key", authority, "--id", "walk", "--title", "Walk", "--option", "yes",
                "--option", "no", "--closes-at", "+1h", "--wait");
            await Ok("voters", "generate", "--count", "3", "--out", Path.Combine(root, "voters"));
            await Ok("voters", "register", "--node", node, "--key", authority, "--election", "walk", "--file",
                Path.Combine(root, "voters", "voters.csv"), "--wait");

            var voter = Path.Combine(root, "voters", "voter-00001.json");
            var vote = await Ok("vote", "--node", node, "--key", voter, "--election", "walk", "--option", "yes", "--wait", "--json");
            var txId = JsonDocument.Parse(vote).RootElement.GetProperty("tx_id").GetString()!;
            await Ok("vote", "--node", node, "--key", Path.Combine(root, "voters", "voter-00002.json"), "--election", "walk", "--option", "no", "--wait");

            var again = await CliProcess.RunAsync(Step, "vote", "--node", node, "--key", voter, "--election", "walk", "--option", "no");
            Assert.That(again.ExitCode, Is.EqualTo(1), again.Output);
            Assert.That(again.Error.Trim(), Does.StartWith("error:").And.Contain("ALREADY_VOTED"));
            Assert.That(again.Error.Trim().Split('\n'), Has.Length.EqualTo(1));

            // The observer, a separate read-only node, reports the same tally.
            await Eventually.HoldsAsync(async () =>
            {
                var tally = JsonDocument.Parse(await Ok("tally", "--node", observer, "--election", "walk", "--json")).RootElement;
                return tally.GetProperty("counted_ballots").GetInt64() == 2;
            }, Step, () => "the observer's tally");

            var receiptFile = Path.Combine(root, "receipt.bin");
            await Ok("receipt", "--node", node, "--tx", txId, "--genesis", genesis, "--save", receiptFile);
            var bytes = await File.ReadAllBytesAsync(receiptFile);
            bytes[bytes.Length / 2] ^= 0x01;
            var tampered = Path.Combine(root, "tampered.bin");
            await File.WriteAllBytesAsync(tampered, bytes);
            var refused = await CliProcess.RunAsync(Step, "receipt", "--file", tampered, "--genesis", genesis);
            Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
            Assert.That(refused.Error, Does.StartWith("error:"));

            var audit = await Ok("audit", "--node", node, "--genesis", genesis, "--json");
            Assert.That(JsonDocument.Parse(audit).RootElement.GetProperty("ok").GetBoolean(), Is.True, audit);

            // A second node process on a running validator's home is refused: its data folder is locked.
            var second = await CliProcess.RunAsync(Step, "start", "--home", Path.Combine(root, "devnet", "validator0"), "--listen", "127.0.0.1:1");
            Assert.That(second.ExitCode, Is.EqualTo(1), second.Output);
            Assert.That(second.Error.Trim(), Does.StartWith("error:").And.Contain("in use"));

            heightBeforeStop = JsonDocument.Parse(await Ok("status", "--node", node, "--json")).RootElement.GetProperty("height").GetUInt64();
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
            Assert.That(devnet.Output, Does.Contain("stopped"));
        }

        // Run again on the same folder: the same chain resumes where it stopped.
        await using (var resumed = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort))
        {
            await resumed.WaitUntilRunningAsync(Step, "the devnet to resume");
            Assert.That(resumed.Output, Does.Contain("resuming"));
            var status = JsonDocument.Parse(await Ok("status", "--node", node, "--json")).RootElement;
            Assert.That(status.GetProperty("height").GetUInt64(), Is.GreaterThanOrEqualTo(heightBeforeStop));
            var tally = JsonDocument.Parse(await Ok("tally", "--node", node, "--election", "walk", "--json")).RootElement;
            Assert.That(tally.GetProperty("counted_ballots").GetInt64(), Is.EqualTo(2));
            Assert.That(await resumed.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, resumed.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);
}
