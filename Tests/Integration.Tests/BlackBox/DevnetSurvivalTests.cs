using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// A real `votechain devnet` process of 4 validators loses one: the devnet reports it and keeps running, the other
/// three keep committing, and the node comes back with --restart or with `devnet restart NAME` from another terminal.
/// Nodes are found through the pid files the devnet writes (devnet/NODE/node.pid).
/// </summary>
public sealed class DevnetSurvivalTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_validator_killed_with_SIGKILL_is_reported_the_others_keep_committing_and_devnet_restart_brings_it_back()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-survive-" + Guid.NewGuid().ToString("N")[..8]);
        var dir = Path.Combine(root, "devnet");
        var basePort = LoopbackPorts.FreeRange(4);
        await using (var devnet = ServiceProcess.Devnet(dir, basePort, validators: 4, observers: 0))
        {
            await devnet.WaitUntilRunningAsync(Step);
            var killed = NodePid(dir, "validator3");
            await SignalAsync(killed, "KILL");

            // The devnet prints the death and then what it does about it, line by line: wait for both lines.
            await OutputShowsAsync(devnet, "validator3 died");
            await OutputShowsAsync(devnet, "validator3 stays down");
            Assert.That(devnet.HasExited, Is.False, devnet.Output);
            Assert.That(devnet.Output, Does.Contain($"validator3 died (exit code 137, killed by SIGKILL, pid {killed}); 3 of 4 validators running, the network keeps going"));
            Assert.That(devnet.Output, Does.Contain("validator3 stays down; start it again with: votechain devnet restart validator3"));
            Assert.That(File.Exists(PidPath(dir, "validator3")), Is.False, "the dead node's pid file is removed");

            // The chain makes a block a second even without transactions: the three left must keep committing.
            var heightAtRestart = await HeightGrowsAsync(Url(basePort, 0));

            var restarted = await Ok("devnet", "restart", "validator3", "--dir", dir);
            Assert.That(restarted, Does.StartWith("restarted validator3 (pid ").And.Contain(Url(basePort, 3)));
            Assert.That(NodePid(dir, "validator3"), Is.Not.EqualTo(killed));
            Assert.That(devnet.Output, Does.Contain("restarted validator3 on request"));
            await Eventually.HoldsAsync(async () => await HeightAsync(Url(basePort, 3)) >= heightAtRestart, Step,
                () => "the restarted validator to catch up");

            Assert.That(await devnet.StopAsync(Step), Is.Zero, devnet.Output);
            Assert.That(Regex.Count(devnet.Output, " died "), Is.EqualTo(1), "a clean stop is not a death: " + devnet.Output);
            Assert.That(Directory.EnumerateFiles(dir, "*.pid", SearchOption.AllDirectories), Is.Empty, "a clean stop removes every pid file");
        }

        // Asked of a devnet that does not run, or of a node it does not have: one clear line, exit 1.
        await RefusedAsync("no devnet is running in", "devnet", "restart", "validator3", "--dir", dir);
        await RefusedAsync("has no node 'validator9'", "devnet", "restart", "validator9", "--dir", dir);
        Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task With_restart_a_killed_validator_comes_back_by_itself_and_an_operator_stops_and_restarts_another_by_name()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-restart-" + Guid.NewGuid().ToString("N")[..8]);
        var dir = Path.Combine(root, "devnet");
        var basePort = LoopbackPorts.FreeRange(4);
        await using (var devnet = ServiceProcess.Devnet(dir, basePort, validators: 4, observers: 0, restart: true))
        {
            await devnet.WaitUntilRunningAsync(Step);
            var killed = NodePid(dir, "validator1");
            await SignalAsync(killed, "KILL");

            await OutputShowsAsync(devnet, "restarted validator1 (pid ");
            Assert.That(devnet.Output, Does.Contain($"validator1 died (exit code 137, killed by SIGKILL, pid {killed}); 3 of 4 validators running"));
            Assert.That(devnet.Output, Does.Contain("restarting validator1 in 2 s"));
            Assert.That(NodePid(dir, "validator1"), Is.Not.EqualTo(killed));
            await Eventually.HoldsAsync(async () => await HeightAsync(Url(basePort, 1)) > 0, Step, () => "validator1 to answer again");

            // Stopped by hand, a node stays down even with --restart, and the other three go on.
            Assert.That(await Ok("devnet", "stop-node", "validator2", "--dir", dir), Does.StartWith("stopped validator2"));
            Assert.That(devnet.Output, Does.Contain("stopped validator2 on request"));
            Assert.That(File.Exists(PidPath(dir, "validator2")), Is.False);
            var height = await HeightGrowsAsync(Url(basePort, 0));
            Assert.That(File.Exists(PidPath(dir, "validator2")), Is.False, "a node stopped on request is not restarted: " + devnet.Output);

            Assert.That(await Ok("devnet", "restart", "validator2", "--dir", dir), Does.StartWith("restarted validator2"));
            await Eventually.HoldsAsync(async () => await HeightAsync(Url(basePort, 2)) >= height, Step, () => "validator2 to catch up");

            Assert.That(await devnet.StopAsync(Step), Is.Zero, devnet.Output);
            Assert.That(Regex.Count(devnet.Output, " died "), Is.EqualTo(1), "only the killed node died: " + devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    private static string Url(int basePort, int node) => $"http://127.0.0.1:{basePort + node}";

    private static string PidPath(string dir, string node) => Path.Combine(dir, node, "node.pid");

    private static int NodePid(string dir, string node) => int.Parse(File.ReadAllText(PidPath(dir, node)), CultureInfo.InvariantCulture);

    private static Task OutputShowsAsync(ServiceProcess devnet, string text) =>
        Eventually.HoldsAsync(() => Task.FromResult(devnet.Output.Contains(text, StringComparison.Ordinal)), Step,
            () => $"the devnet to print '{text}'; it printed:\n{devnet.Output}");

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {pid}");
    }

    /// <summary>Waits until the node's height is two blocks past what it is now, and returns that height.</summary>
    private static async Task<ulong> HeightGrowsAsync(string node)
    {
        var start = await HeightAsync(node);
        var now = start;
        await Eventually.HoldsAsync(async () => (now = await HeightAsync(node)) >= start + 2, Step, () => $"{node} to commit past height {start}");
        return now;
    }

    /// <summary>The node's height, or 0 while it does not answer.</summary>
    private static Task<ulong> HeightAsync(string node) => NodeQueries.HeightAsync(node);

    private static async Task RefusedAsync(string reason, params string[] args)
    {
        var (exitCode, output, error) = await CliProcess.RunAsync(Step, args);
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(error.Trim(), Does.StartWith("error:").And.Contain(reason));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);
}
