using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Issue 17's state sync as an operator runs it, on one real devnet (4 validators, no observer) with the demo's votes
/// flowing and a snapshot every 10 blocks: a fresh home started with `--state-sync` restores a validator's snapshot (it
/// holds no block below it), reaches the validators' head by block sync, and agrees with them on every tally and on
/// the blocks (hash and state root) at the snapshot's height and a later one. A restart of that home skips state sync.
/// (A lying peer's bad chunk is refused at the network level: Networking.Tests' StateSyncTests.)
/// </summary>
[NonParallelizable]
public sealed partial class StateSyncWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_fresh_observer_started_with_state_sync_restores_a_snapshot_reaches_the_head_and_agrees_on_every_tally()
    {
        var root = Directory.CreateTempSubdirectory("votechain-statesync-");
        var basePort = LoopbackPorts.FreeRange(4);
        var dir = Path.Combine(root.FullName, "devnet");
        try
        {
            await using var devnet = ServiceProcess.Devnet(dir, basePort, observers: 0, demo: true,
                environment: new Dictionary<string, string> { ["VOTECHAIN_STATE_SYNC__SNAPSHOT_INTERVAL"] = "10" });
            await devnet.WaitUntilRunningAsync(Step);
            using var validatorChannel = GrpcChannel.ForAddress(Url(basePort));
            var validator = new VoteChainApi.VoteChainApiClient(validatorChannel);

            // A snapshot taken after votes were cast: the restored state must hold them.
            await Eventually.HoldsAsync(() => Task.FromResult(devnet.Output.Contains("demo: 50/", StringComparison.Ordinal)), Step,
                () => $"the demo to cast votes: {devnet.Output}");
            var voted = (await validator.GetStatusAsync(new GetStatusRequest())).Height;
            await Eventually.HoldsAsync(() => Task.FromResult(NewestSnapshot(Path.Combine(dir, "validator0", "snapshots")) > voted), Step,
                () => $"validator0 to take a snapshot above height {voted}");

            var home = Path.Combine(root.FullName, "fresh");
            await CliProcess.OkAsync(Step, "init", "--home", home);
            File.Copy(Path.Combine(dir, "genesis.json"), Path.Combine(home, "config", "genesis.json"));
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
        finally
        {
            root.Delete(recursive: true);
        }
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
}
