using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Integration.Tests.Web;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Issue 17's state sync as an operator runs it, on one real devnet (4 validators, no observer) with the demo's votes
/// flowing and a snapshot every 10 blocks: a fresh home started with `--state-sync` restores a validator's snapshot (it
/// holds no block below it), reaches the validators' head by block sync, and agrees with them on every tally and on
/// the blocks (hash and state root) at the snapshot's height and a later one; a restart of that home skips state sync.
/// Then scripts/statesync.sh in its short mode on the same devnet (a second devnet would double the cost): 1,000 votes,
/// a state-synced and a replaying observer timed to the load's height, both agreeing on the tally (docs/STATE-SYNC.md has
/// the 100,000-vote run). A lying peer's bad chunk is refused at the network level (Networking.Tests' StateSyncTests).
/// </summary>
[NonParallelizable]
public sealed partial class StateSyncWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    private DirectoryInfo _root = null!;
    private string _dir = "";
    private int _basePort;
    private ServiceProcess _devnet = null!;

    [OneTimeSetUp]
    public async Task StartDevnetAsync()
    {
        _root = Directory.CreateTempSubdirectory("votechain-statesync-");
        _dir = Path.Combine(_root.FullName, "devnet");
        // The validators, then the script's two observers at +10 and +11.
        _basePort = LoopbackPorts.FreeRange(12);
        _devnet = ServiceProcess.Devnet(_dir, _basePort, observers: 0, demo: true,
            environment: new Dictionary<string, string>
            {
                ["VOTECHAIN_STATE_SYNC__SNAPSHOT_INTERVAL"] = "10",
                // Blocks come many a second while votes flow: the most kept, so a snapshot listed lasts while it is fetched.
                ["VOTECHAIN_STATE_SYNC__SNAPSHOTS_KEPT"] = "8",
            });
        await _devnet.WaitUntilRunningAsync(Step);
    }

    [OneTimeTearDown]
    public async Task StopDevnetAsync()
    {
        await _devnet.DisposeAsync();
        _root.Delete(recursive: true);
    }

    [Test]
    public async Task A_fresh_observer_started_with_state_sync_restores_a_snapshot_reaches_the_head_and_agrees_on_every_tally()
    {
        using var validatorChannel = GrpcChannel.ForAddress(Url(_basePort));
        var validator = new VoteChainApi.VoteChainApiClient(validatorChannel);

        // A snapshot taken after votes were cast: the restored state must hold them.
        await Eventually.HoldsAsync(() => Task.FromResult(_devnet.Output.Contains("demo: 50/", StringComparison.Ordinal)), Step,
            () => $"the demo to cast votes: {_devnet.Output}");
        var voted = (await validator.GetStatusAsync(new GetStatusRequest())).Height;
        await Eventually.HoldsAsync(() => Task.FromResult(NewestSnapshot(Path.Combine(_dir, "validator0", "snapshots")) > voted), Step,
            () => $"validator0 to take a snapshot above height {voted}");

        var home = Path.Combine(_root.FullName, "fresh");
        await CliProcess.OkAsync(Step, "init", "--home", home);
        File.Copy(Path.Combine(_dir, "genesis.json"), Path.Combine(home, "config", "genesis.json"));
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(home, "config", "node.json")))!;
        config["web"]!["listen"] = "";
        await File.WriteAllTextAsync(Path.Combine(home, "config", "node.json"), config.ToJsonString());
        var port = LoopbackPorts.Free();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        string[] start = ["start", "--home", home, "--listen", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--observer", "--state-sync"];

        ulong restored;
        await using (var node = new ServiceProcess(start))
        {
            await Eventually.HoldsAsync(() => Task.FromResult(Restored().IsMatch(node.Output) || node.HasExited), Step,
                () => $"the fresh node to restore a snapshot: {node.Output}");
            Assert.That(Restored().IsMatch(node.Output), Is.True, node.Output);
            restored = ulong.Parse(Restored().Match(node.Output).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.That(restored, Is.GreaterThan(voted), node.Output);
            Assert.That(node.Output, Does.Contain("state sync: block " + restored.ToString(CultureInfo.InvariantCulture) + " verified"));

            using var observerChannel = GrpcChannel.ForAddress(url);
            var observer = new VoteChainApi.VoteChainApiClient(observerChannel);
            var head = (await validator.GetStatusAsync(new GetStatusRequest())).Height;
            await Eventually.HoldsAsync(async () => await HeightAsync(observer) > head, Step, () => $"the fresh node to pass height {head}: {node.Output}");

            // It started at the snapshot: no block below it, and the same blocks from it on.
            var below = await Assert.ThrowsAsync<RpcException>(async () => await observer.GetBlockAsync(new GetBlockRequest { Height = restored - 1 }));
            Assert.That(below!.StatusCode, Is.EqualTo(StatusCode.NotFound));
            Assert.That(below.Status.Detail, Does.Contain($"started from a snapshot at height {restored}"));
            foreach (var height in new[] { restored, head })
            {
                var (ours, theirs) = (await HeaderAsync(observer, height), await HeaderAsync(validator, height));
                Assert.That(ours.Hash, Is.EqualTo(theirs.Hash), $"block {height}");
                Assert.That(ours.StateRoot, Is.EqualTo(theirs.StateRoot), $"state root at {height}");
            }

            await AgreeOnEveryTallyAsync(validator, observer);
            Assert.That(await node.StopAsync(Step), Is.Zero, node.Output);
        }

        // Its data folder holds the chain now: a second start with the flag starts from it.
        await using (var again = new ServiceProcess(start))
        {
            await Eventually.HoldsAsync(() => Task.FromResult(again.Output.Contains("state sync skipped", StringComparison.Ordinal) || again.HasExited),
                Step, () => $"the restart to skip state sync: {again.Output}");
            Assert.That(again.Output, Does.Contain($"already holds the chain at height"));
            using var channel = GrpcChannel.ForAddress(url);
            var api = new VoteChainApi.VoteChainApiClient(channel);
            await Eventually.HoldsAsync(async () => await HeightAsync(api) > restored, Step, () => $"the restarted node to serve: {again.Output}");
            Assert.That(await again.StopAsync(Step), Is.Zero, again.Output);
        }
    }

    [Test]
    public async Task The_scripts_short_mode_times_state_sync_and_replay_and_both_observers_agree_on_the_tally()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Browser.RepositoryRoot, "scripts", "statesync.sh"));
        info.Environment["VOTES"] = "1000";
        info.Environment["INTERVAL"] = "10";
        info.Environment["DEVNET"] = _dir;
        info.Environment["PORT"] = _basePort.ToString(CultureInfo.InvariantCulture);
        info.Environment["VOTECHAIN"] = Path.Combine(AppContext.BaseDirectory, "votechain");

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4)))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"statesync.sh did not finish within 4 minutes: {await stdout}");
            }
        }

        var output = await stdout + await stderr;
        Assert.That(process.ExitCode, Is.Zero, output);
        var last = (await stdout).TrimEnd().Split('\n')[^1];
        var line = SummaryLine().Match(last);
        Assert.That(line.Success, Is.True, $"last line: {last}\n{output}");
        ulong Field(string name) => ulong.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
        Assert.That(Field("snapshot"), Is.GreaterThanOrEqualTo(Field("height")), "the snapshot holds every vote of the load");
        Assert.That(Field("records"), Is.GreaterThan(2UL * 1000), "a credential and a ballot per voter, at least");
        Assert.That(output, Does.Contain($"state sync: restored height {Field("snapshot")}").And.Contain("(tally agrees)"));
    }

    /// <summary>
    /// Every election's tally, read from both nodes until a reading of each is from the same height (votes keep coming):
    /// the two must then be the same.
    /// </summary>
    private static async Task AgreeOnEveryTallyAsync(VoteChainApi.VoteChainApiClient validator, VoteChainApi.VoteChainApiClient observer)
    {
        var elections = (await validator.ListElectionsAsync(new ListElectionsRequest())).Elections;
        Assert.That(elections, Is.Not.Empty);
        foreach (var election in elections)
        {
            var id = election.Definition.ElectionId;
            var request = new GetTallyRequest { ElectionId = id };
            TallyResponse? ours = null;
            TallyResponse? theirs = null;
            await Eventually.HoldsAsync(async () =>
            {
                (ours, theirs) = (await observer.GetTallyAsync(request), await validator.GetTallyAsync(request));
                return ours.Height == theirs.Height;
            }, Step, () => $"a reading of {id}'s tally from the same height on both nodes");
            Assert.That(ours!.Tally, Is.EqualTo(theirs!.Tally), $"{id} at height {ours.Height}");
            Assert.That(ours.Tally.CountedBallots, Is.GreaterThan(0UL), $"{id}: votes were counted");
        }
    }

    private static async Task<ulong> HeightAsync(VoteChainApi.VoteChainApiClient api)
    {
        try
        {
            return (await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Height;
        }
        catch (RpcException)
        {
            return 0;
        }
    }

    private static async Task<(byte[] Hash, byte[] StateRoot)> HeaderAsync(VoteChainApi.VoteChainApiClient api, ulong height)
    {
        var response = await api.GetBlockAsync(new GetBlockRequest { Height = height });
        var header = BlockHeader.Parser.ParseFrom(Block.Parser.ParseFrom(response.Block).Header);
        return (response.BlockHash.ToByteArray(), header.StateRoot.ToByteArray());
    }

    /// <summary>The height of the newest snapshot in a node's snapshot folder (a folder per height, 20 digits), 0 when none.</summary>
    private static ulong NewestSnapshot(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateDirectories(folder).Select(Path.GetFileName)
            .Where(name => name is { Length: 20 } && File.Exists(Path.Combine(folder, name, "manifest.bin")))
            .Select(name => ulong.Parse(name!, CultureInfo.InvariantCulture)).DefaultIfEmpty().Max()
        : 0;

    private static string Url(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    [GeneratedRegex(@"state sync: restored height (\d+)")]
    private static partial Regex Restored();

    [GeneratedRegex(@"^statesync: votes=1000 height=(?<height>\d+) snapshot_height=(?<snapshot>\d+) snapshot_records=(?<records>\d+) snapshot_bytes=\d+ snapshot_seconds=([\d.]+|n/a) state_sync_ms=\d+ replay_ms=\d+$")]
    private static partial Regex SummaryLine();
}
