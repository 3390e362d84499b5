using System.Text.Json;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// `votechain bench --rate R --duration S` against a real 1-validator devnet process: every offered vote commits, the
/// report carries the open-loop figures and the limit it is a fraction of. Only the shape and the bookkeeping are
/// checked, never a speed: this machine is shared.
/// </summary>
public sealed class OpenLoopBenchTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(120);

    [Test]
    public async Task An_open_loop_run_offers_rate_times_duration_votes_and_reports_tail_latency_and_the_fraction_of_the_limit()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-openloop-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(1);
        await using (var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort, validators: 1, observers: 0))
        {
            await devnet.WaitUntilRunningAsync(Step);
            var output = await CliProcess.OkAsync(Step, "bench", "--node", $"http://127.0.0.1:{basePort}",
                "--key", Path.Combine(root, "devnet", "authority.json"), "--rate", "40", "--duration", "3", "--json");
            var report = JsonDocument.Parse(output).RootElement;

            Assert.That(report.GetProperty("offered_votes_per_second").GetDouble(), Is.EqualTo(40));
            Assert.That(report.GetProperty("votes_submitted").GetInt32(), Is.EqualTo(120), "rate × duration votes, and as many voters");
            Assert.That(report.GetProperty("voters").GetInt32(), Is.EqualTo(120));
            Assert.That(report.GetProperty("votes_committed").GetInt32(), Is.EqualTo(120), output);
            Assert.That(report.GetProperty("validators").GetInt32(), Is.EqualTo(1));
            Assert.That(report.GetProperty("cores").GetInt32(), Is.EqualTo(Environment.ProcessorCount));
            var p99 = report.GetProperty("latency_p99_ms").GetDouble();
            Assert.That(report.GetProperty("latency_p999_ms").GetDouble(), Is.GreaterThanOrEqualTo(p99));
            Assert.That(report.GetProperty("latency_max_ms").GetDouble(), Is.GreaterThanOrEqualTo(report.GetProperty("latency_p999_ms").GetDouble()));
            var oneCore = report.GetProperty("ed25519_verifications_per_second_one_core").GetDouble();
            Assert.That(oneCore, Is.EqualTo(Math.Max(report.GetProperty("ed25519_libsodium_per_second").GetDouble(),
                report.GetProperty("ed25519_openssl_per_second") is { ValueKind: JsonValueKind.Number } openssl ? openssl.GetDouble() : 0)));
            var limit = Environment.ProcessorCount * oneCore / 1;
            Assert.That(report.GetProperty("fraction_of_limit").GetDouble(),
                Is.EqualTo(report.GetProperty("committed_votes_per_second").GetDouble() / limit).Within(1e-9));
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task A_sweep_steps_up_the_offered_rate_and_writes_its_figures_and_plot()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-sweep-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(1);
        await using (var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort, validators: 1, observers: 0))
        {
            await devnet.WaitUntilRunningAsync(Step);
            var folder = Path.Combine(root, "sweep");
            var output = await CliProcess.OkAsync(Step, "bench", "--node", $"http://127.0.0.1:{basePort}",
                "--key", Path.Combine(root, "devnet", "authority.json"), "--sweep", "--start-rate", "20", "--factor", "2", "--max-rate", "40",
                "--step-seconds", "2", "--max-p99-ms", "60000", "--out", folder);

            Assert.That(output, Does.Contain("highest sustained:"));
            var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "sweep.json"))).RootElement;
            var steps = report.GetProperty("steps").EnumerateArray().ToList();
            Assert.That(steps.Select(s => s.GetProperty("offered_votes_per_second").GetDouble()), Is.EqualTo(new[] { 20.0, 40.0 }),
                "20/s, then twice that, and no step past --max-rate");
            var highest = report.GetProperty("highest_sustainable_votes_per_second").GetDouble();
            Assert.That(highest, Is.EqualTo(steps.Where(s => s.GetProperty("sustained").GetBoolean())
                .Select(s => s.GetProperty("offered_votes_per_second").GetDouble()).DefaultIfEmpty(0).Last()));
            Assert.That(report.GetProperty("validators").GetInt32(), Is.EqualTo(1));
            Assert.That(await File.ReadAllTextAsync(Path.Combine(folder, "sweep.svg")), Does.StartWith("<?xml").And.Contain("<svg"));
            var png = await File.ReadAllBytesAsync(Path.Combine(folder, "sweep.png"));
            Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG file");
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }
}
