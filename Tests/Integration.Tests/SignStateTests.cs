using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Integration.Tests.BlackBox;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;
using VoteChain.Storage.Signing;

namespace VoteChain.Integration.Tests;

/// <summary>
/// The validator's double-sign record lives in config/sign_state, apart from the chain data, over real nodes on
/// 127.0.0.1 with real RocksDB: wiping data/ mid-election leaves the record in place, and a home whose record is gone
/// while chain data remains refuses to start as a validator unless the operator says so.
/// </summary>
[NonParallelizable]
public sealed class SignStateTests
{
    private const string Election = "e";
    private const int Wiped = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_validator_whose_data_is_wiped_mid_election_catches_up_before_it_signs_and_never_double_signs()
    {
        var voters = Enumerable.Range(0, 9).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300);
            await net.StartAllAsync();
            var apis = Enumerable.Range(0, 4).Select(net.Api).ToList();
            await SubmitAsync(apis[0], Payloads.CreateElection(net.Authority, Election));
            await CountedOnAsync(apis, Enumerable.Range(0, 4), 0);
            await SubmitAsync(apis[1], Payloads.Register(net.Authority, Election, voters.Select(v => v.PublicKey)));
            await RegisteredOnAllAsync(apis, voters.Count);
            for (var i = 0; i < 3; i++)
            {
                await SubmitAsync(apis[i], Payloads.Vote(voters[i], Election, option: 0));
            }

            await CountedOnAsync(apis, Enumerable.Range(0, 4), 3);
            var before = SignStateOf(net, Wiped);
            Assert.That(before, Is.Not.Null, "a validator that took part has signed something");

            await net.StopAsync(Wiped);
            net.WipeData(Wiped);
            for (var i = 3; i < 6; i++)
            {
                await SubmitAsync(apis[i % 3], Payloads.Vote(voters[i], Election, option: 1));
            }

            await CountedOnAsync(apis, Enumerable.Range(0, 3), 6);
            var head = (await apis[0].GetStatusAsync(new GetStatusRequest())).Height;
            Assert.That(head, Is.GreaterThan(before!.Height), "the others went on past the point it had signed");

            // While it syncs back from an empty chain, its record may only move forward: a write below the point signed
            // before the wipe would mean it signed again at a height it had already signed at.
            await net.StartAsync(Wiped);
            await Eventually.HoldsAsync(async () =>
            {
                var now = SignStateOf(net, Wiped);
                Assert.That(now, Is.Not.Null, "the wiped validator lost its sign-state file");
                Assert.That(Point(now!), Is.GreaterThanOrEqualTo(Point(before)), "the sign-state went backwards after the wipe");
                return (await apis[Wiped].GetStatusAsync(new GetStatusRequest())).Height >= head;
            }, Patience, () => $"node{Wiped} to sync back to height {head}");

            // Caught up, it signs again: new votes move its record past everything the others finalized meanwhile.
            for (var i = 6; i < voters.Count; i++)
            {
                await SubmitAsync(apis[Wiped], Payloads.Vote(voters[i], Election, option: 2));
            }

            await CountedOnAsync(apis, Enumerable.Range(0, 4), voters.Count);
            await Eventually.HoldsAsync(() => Task.FromResult(SignStateOf(net, Wiped)!.Height > head), Patience,
                () => $"node{Wiped} to sign above height {head} (it is at {SignStateOf(net, Wiped)})");
            for (var node = 0; node < 4; node++)
            {
                var status = await apis[node].GetStatusAsync(new GetStatusRequest());
                Assert.That(status.EvidenceCount, Is.Zero, $"node{node} recorded equivocation evidence");
                Assert.That(net.Fatal(node), Is.Null, $"node{node} stopped itself");
            }

            TestContext.Out.WriteLine($"signed before the wipe at {Point(before)}; others went on to {head}");
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    [Test]
    public async Task A_validator_with_chain_data_but_no_sign_state_refuses_to_start_and_starts_with_the_override()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAsync(0);
        var api = net.Api(0);
        await SubmitAsync(api, Payloads.CreateElection(net.Authority, Election));
        await CountedOnAsync([api], [0], 0);
        await net.StopAsync(0);
        var home = net.Home(0);
        var path = SignStatePath(net, 0);
        File.Delete(path);

        var refused = await CliProcess.RunAsync(Patience, "start", "--home", home);

        var lines = refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Error);
        Assert.That(lines, Has.Length.EqualTo(1), refused.Error);
        Assert.That(lines[0], Does.StartWith($"error: sign-state file {path} is missing but the chain data holds ")
            .And.Contain("--allow-missing-sign-state"));
        Assert.That(File.Exists(path), Is.False, "a refused start writes nothing");

        using var process = Process.Start(CliProcess.StartInfo(["start", "--home", home, "--allow-missing-sign-state"]))!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await Eventually.HoldsAsync(async () => !process.HasExited && await HeightOrNullAsync(api) >= 1, Patience,
                () => $"the node started with the override to serve (exited: {process.HasExited})");
            Assert.That(SignStateOf(net, 0, path), Is.Null, "started with the override, it begins a new record with nothing signed");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(deadline.Token);
            Assert.That(process.ExitCode, Is.Zero, await stderr);
            Assert.That(File.Exists(path), Is.True);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string SignStatePath(TestNetwork net, int node) => Path.Combine(net.Home(node), "config", "sign_state");

    /// <summary>The node's sign-state as its file holds it (null: nothing signed yet); the file must be present.</summary>
    private static SignState? SignStateOf(TestNetwork net, int node, string? path = null)
    {
        var genesis = GenesisFile.Load(net.GenesisPath(node));
        var read = new SignStateFile(path ?? SignStatePath(net, node), Consensus.Genesis.GenesisHash.Of(genesis)).Read(64 << 20);
        Assert.That(read.Status, Is.EqualTo(SignStateFileStatus.Present), $"node{node}'s sign-state file");
        return read.State;
    }

    private static (ulong Height, ulong View, uint Step) Point(SignState state) => (state.Height, state.View, state.Step);

    private static async Task SubmitAsync(VoteChainApi.VoteChainApiClient api, byte[] envelope)
    {
        var result = await NetworkTests.Submit(api, envelope);
        Assert.That(result.TxId.Length, Is.EqualTo(32), result.Message);
    }

    private static Task CountedOnAsync(IReadOnlyList<VoteChainApi.VoteChainApiClient> apis, IEnumerable<int> nodes, int counted) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var node in nodes)
            {
                if (await NetworkTests.TallyAsync(apis[node], Election) is not { } tally || tally.Tally.CountedBallots < (ulong)counted)
                {
                    return false;
                }
            }

            return true;
        }, Patience, () => $"{counted} votes counted on nodes {string.Join(",", nodes)}");

    private static Task RegisteredOnAllAsync(IReadOnlyList<VoteChainApi.VoteChainApiClient> apis, int registered) =>
        Eventually.HoldsAsync(async () =>
        {
            foreach (var api in apis)
            {
                if (await NetworkTests.TallyAsync(api, Election) is not { } tally || tally.Tally.RegisteredCredentials < (ulong)registered)
                {
                    return false;
                }
            }

            return true;
        }, Patience, () => $"{registered} voters registered on every node");

    private static async Task<ulong?> HeightOrNullAsync(VoteChainApi.VoteChainApiClient api)
    {
        try
        {
            return (await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Height;
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
