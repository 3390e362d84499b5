using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// A devnet validator whose data folder sits on a small tmpfs runs out of space under load: it stops with one line
/// that says so, the other three go on, and once the tmpfs is made larger it starts again from the same folder,
/// catches up, serves the same block at every height as the others, and its state passes the audit (nothing lost,
/// nothing corrupt). Skipped, with the reason, where a tmpfs cannot be mounted (not root, no CAP_SYS_ADMIN).
/// </summary>
public sealed partial class FullDiskTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(120);

    [Test]
    public async Task A_validator_whose_disk_fills_stops_with_one_line_and_resumes_from_the_same_folder_when_space_returns()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-fulldisk-" + Guid.NewGuid().ToString("N")[..8]);
        var dir = Path.Combine(root, "devnet");
        var data = Path.Combine(dir, "validator3", "data");
        if (MountUnavailable(root) is { } reason)
        {
            Assert.Ignore($"the full-disk test mounts a tmpfs: {reason}");
        }

        var basePort = LoopbackPorts.FreeRange(4);
        var mounted = false;
        try
        {
            await using var devnet = ServiceProcess.Devnet(dir, basePort, validators: 4, observers: 0);
            await devnet.WaitUntilRunningAsync(Step);

            // validator3's data moves onto a tmpfs with about 1.5 MB to spare.
            await CliProcess.OkAsync(Step, "devnet", "stop-node", "validator3", "--dir", dir);
            Directory.Move(data, data + ".before");
            Directory.CreateDirectory(data);
            Must("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", data);
            mounted = true;
            Must("cp", "-a", data + ".before/.", data);
            await CliProcess.OkAsync(Step, "devnet", "restart", "validator3", "--dir", dir);

            // Elections of 2,000 voters each, until validator3 can write no more (bounded).
            var nodes = string.Join(',', Enumerable.Range(0, 3).Select(n => Url(basePort, n)));
            for (var round = 0; round < 15 && !devnet.Output.Contains("validator3 died", StringComparison.Ordinal); round++)
            {
                await CliProcess.OkAsync(TimeSpan.FromMinutes(3), "bench", "--node", nodes, "--key", Path.Combine(dir, "authority.json"), "--voters", "2000");
            }

            await Eventually.HoldsAsync(() => Task.FromResult(devnet.Output.Contains("validator3 died (exit code 1", StringComparison.Ordinal)), Step,
                () => "validator3 to stop on the full disk: " + devnet.Output);
            var log = await File.ReadAllTextAsync(Path.Combine(dir, "validator3", "node.log"));
            var errors = log.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
            Assert.That(errors, Has.Count.EqualTo(1), log[^Math.Min(log.Length, 3000)..]);
            Assert.That(errors[0], Does.Contain($"data folder {data} is on a full disk").And.Contain("No space left on device")
                .And.Contain("nothing committed before it is lost"));
            var lastCommitted = Committed().Matches(log).Select(m => ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Max();

            // Space comes back: the same folder, a larger tmpfs.
            Must("mount", "-o", "remount,size=256m", data);
            await CliProcess.OkAsync(Step, "devnet", "restart", "validator3", "--dir", dir);
            using var first = GrpcChannel.ForAddress(Url(basePort, 0));
            using var fourth = GrpcChannel.ForAddress(Url(basePort, 3));
            var (api0, api3) = (new VoteChainApi.VoteChainApiClient(first), new VoteChainApi.VoteChainApiClient(fourth));
            var target = (await api0.GetStatusAsync(new GetStatusRequest())).Height;
            Assert.That(target, Is.GreaterThan(lastCommitted), "the other three went on");
            await Eventually.HoldsAsync(async () => (await api3.GetStatusAsync(new GetStatusRequest())).Height >= target, Step,
                () => "validator3 to catch up");
            for (ulong height = 1; height <= target; height++)
            {
                var (ours, theirs) = (await api3.GetBlockAsync(new GetBlockRequest { Height = height }), await api0.GetBlockAsync(new GetBlockRequest { Height = height }));
                Assert.That(ours.BlockHash, Is.EqualTo(theirs.BlockHash), $"block {height} (validator3 had committed up to {lastCommitted} when its disk filled)");
            }

            var audit = await CliProcess.OkAsync(Step, "audit", "--node", Url(basePort, 3), "--genesis", Path.Combine(dir, "genesis.json"));
            Assert.That(audit, Does.Contain("result        ok"));
            Assert.That(await devnet.StopAsync(Step), Is.Zero, devnet.Output);
        }
        finally
        {
            if (mounted)
            {
                Run("umount", data);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static string Url(int basePort, int node) => $"http://127.0.0.1:{basePort + node}";

    /// <summary>Why a tmpfs cannot be mounted here, or null (tried on a folder of the test's own).</summary>
    private static string? MountUnavailable(string root)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs needs Linux";
        }

        var probe = Path.Combine(root, "probe");
        Directory.CreateDirectory(probe);
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe);
        if (code != 0)
        {
            Directory.Delete(root, recursive: true);
            return $"`mount -t tmpfs` is not allowed here: {error.Trim()}";
        }

        Run("umount", probe);
        Directory.Delete(probe);
        return null;
    }

    private static void Must(params string[] args)
    {
        var (code, error) = Run(args);
        Assert.That(code, Is.Zero, $"{string.Join(' ', args)}: {error}");
    }

    private static (int Code, string Error) Run(params string[] args)
    {
        var info = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.GetAwaiter().GetResult();
        return (process.ExitCode, error);
    }

    [GeneratedRegex(@"Committed block (\d+) ")]
    private static partial Regex Committed();
}
