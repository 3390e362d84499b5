using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Issue 16's walk, as operators would do it with the CLI on a real devnet (4 validators, 3 observers as processes):
/// while votes flow, governance grows the validators to 5, 6 and 7 (the observers join), removes one and rotates
/// another's key. After each change the set in force signs, the removed node says why it stopped, votes never stop for
/// long, and every vote's receipt, from before and after every change, verifies offline against the genesis file alone.
/// </summary>
public sealed class GovernanceWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    /// <summary>The longest the chain may go without a commit during the walk (one validator restarts in it).</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_devnet_grows_to_7_validators_loses_one_and_rotates_a_key_while_votes_flow_and_every_receipt_verifies_offline()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-governance-" + Guid.NewGuid().ToString("N")[..8]);
        var dir = Path.Combine(root, "devnet");
        var basePort = LoopbackPorts.FreeRange(7);
        var node = Url(basePort, 0);
        var genesis = Path.Combine(dir, "genesis.json");
        var authority = Path.Combine(dir, "authority.json");
        await using (var devnet = ServiceProcess.Devnet(dir, basePort, validators: 4, observers: 3))
        {
            await devnet.WaitUntilRunningAsync(Step);
            await Ok("election", "create", "--node", node, "--key", authority, "--id", "walk", "--title", "Walk", "--option", "yes",
                "--option", "no", "--closes-at", "+1h", "--wait");
            await Ok("voters", "generate", "--count", "200", "--out", Path.Combine(root, "voters"));
            await Ok("voters", "register", "--node", node, "--key", authority, "--election", "walk", "--file",
                Path.Combine(root, "voters", "voters.csv"), "--wait");

            string Key(string name) => Path.Combine(dir, name, "config", "node_key.json");

            // The public keys the changes name, read with `keys show` at once before the votes start (one process after
            // another, each a second of a busy machine, they held up every change).
            string[] named = ["observer0", "observer1", "observer2", "validator3"];
            var publicKeys = (await Task.WhenAll(named.Select(name => PublicKeyAsync(Key(name)))))
                .Select((key, i) => (Name: named[i], Key: key)).ToDictionary(p => p.Name, p => p.Key);

            using var stop = new CancellationTokenSource();
            var pauses = WatchCommitsAsync(node, stop.Token);
            var votes = VoteAsync(root, node, stop.Token);
            await VotesCommittedAsync(votes, 2);

            var changes = new List<string>();
            var activations = new List<ulong>();

            // 4 -> 5 -> 6 -> 7: each observer joins, approved by a quorum of the set in force when it is approved.
            string[] members = ["validator0", "validator1", "validator2", "validator3"];
            for (var joining = 0; joining < 3; joining++)
            {
                var name = $"observer{joining}";
                var activation = await ChangeAsync(node, members, ["add-validator", "--name", name, "--public-key", publicKeys[name],
                    "--endpoint", Url(basePort, 4 + joining)], Key);
                members = [.. members, name];
                await InForceAsync(node, activation);
                await Eventually.HoldsAsync(async () => await RoleAsync(Url(basePort, 4 + joining)) == "validator", Step,
                    () => $"{name} to sign once its key is in force at height {activation}");
                changes.Add($"{members.Length} validators from height {activation} ({name} joined)");
                activations.Add(activation);
                await VotesCommittedAsync(votes, votes.Committed + 1);
            }

            // 7 -> 6: validator3 is removed; it keeps running, stops signing and says why.
            var removal = await ChangeAsync(node, members, ["remove-validator", "--public-key", publicKeys["validator3"]], Key);
            members = [.. members.Where(m => m != "validator3")];
            await InForceAsync(node, removal);
            await Eventually.HoldsAsync(async () => await RoleAsync(Url(basePort, 3)) == "observer", Step, () => "validator3 to stop signing");
            var removedLog = await File.ReadAllTextAsync(Path.Combine(dir, "validator3", "node.log"));
            Assert.That(removedLog, Does.Contain("This node's key left the validator set at height").And.Contain("it stops signing"));
            changes.Add($"{members.Length} validators from height {removal} (validator3 removed)");
            activations.Add(removal);
            await VotesCommittedAsync(votes, votes.Committed + 1);

            // validator1 rotates: its next key goes beside its key file, the node restarts to hold it, governance swaps it in.
            var nextKey = Path.Combine(dir, "validator1", "config", "next_node_key.json");
            var newKey = (await Ok("keys", "generate", "--out", nextKey)).Trim();
            await Ok("devnet", "restart", "validator1", "--dir", dir);
            await Eventually.HoldsAsync(async () => await HeightAsync(Url(basePort, 1)) >= await HeightAsync(node), Step,
                () => "validator1 to catch up after its restart");
            var rotation = await ChangeAsync(node, members, ["rotate-validator", "--old-key", await PublicKeyAsync(Key("validator1")),
                "--new-key", newKey], Key);
            await InForceAsync(node, rotation);
            Assert.That(await RoleAsync(Url(basePort, 1)), Is.EqualTo("validator"), "validator1 signs on with its new key");
            changes.Add($"{members.Length} validators from height {rotation} (validator1's key rotated)");
            activations.Add(rotation);
            await VotesCommittedAsync(votes, votes.Committed + 2);

            await stop.CancelAsync();
            var longest = await pauses;
            var cast = await votes.Task;

            // Receipts from before and after each change (the first vote under each set: after one change, before the
            // next), against the genesis file alone: no node is asked.
            var phases = cast.GroupBy(c => activations.Count(a => a <= c.Height)).ToList();
            Assert.That(phases.Select(p => p.Key), Is.EquivalentTo(Enumerable.Range(0, activations.Count + 1)), "votes committed under every set");
            foreach (var (txId, height) in phases.Select(p => p.First()))
            {
                var file = Path.Combine(root, $"receipt-{txId[..16]}.bin");
                await Ok("receipt", "--node", node, "--tx", txId, "--genesis", genesis, "--save", file);
                var offline = await Ok("receipt", "--file", file, "--genesis", genesis);
                // Its standing is proven at the head the node had then, through the set changes after the vote too.
                Assert.That(offline, Does.Not.Contain("FAILED").And.Contain("(proven at height "), $"the receipt of {txId} at height {height}");
            }

            // The audit replays every change from genesis.
            var audit = JsonDocument.Parse(await Ok("audit", "--node", node, "--genesis", genesis, "--json")).RootElement;
            Assert.That(audit.GetProperty("validator_sets").GetArrayLength(), Is.EqualTo(6), "genesis's set and five changes");

            Assert.That(longest, Is.LessThan(MaxPause), "the longest time without a commit");
            var summary = $"governance walk: {string.Join("; ", changes)}; longest pause in commits {longest.TotalSeconds:0.0} s; "
                + $"{cast.Count} votes from height {cast.Min(c => c.Height)} to {cast.Max(c => c.Height)}, receipts from under each of the {phases.Count} sets verified offline";
            await TestContext.Out.WriteLineAsync(summary);
            Assert.That(await devnet.StopAsync(Step), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>
    /// Proposes with the first member and approves with as many more as the quorum needs, all at once (one more would be
    /// refused: the proposal is closed by then); the change's activation height, as `governance list` shows it.
    /// </summary>
    private static async Task<ulong> ChangeAsync(string node, string[] members, string[] change, Func<string, string> key)
    {
        var proposed = JsonDocument.Parse(await Ok(["governance", "propose", .. change, "--node", node, "--key", key(members[0]),
            "--wait", "--json"])).RootElement;
        var id = proposed.GetProperty("proposal_id").GetString()!;
        var needed = proposed.GetProperty("proposal").GetProperty("needed_approvals").GetInt32();
        Assert.That(needed, Is.EqualTo(Quorum(members.Length)), "the quorum of the set in force");
        await Task.WhenAll(members.Skip(1).Take(needed - 1).Select(member =>
            Ok("governance", "approve", "--node", node, "--key", key(member), "--id", id, "--wait")));

        ulong activation = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var list = JsonDocument.Parse(await Ok("governance", "list", "--node", node, "--json")).RootElement;
            var proposal = list.GetProperty("proposals").EnumerateArray().First(p => p.GetProperty("id").GetString() == id);
            return proposal.GetProperty("activation_height") is { ValueKind: JsonValueKind.Number } at && (activation = at.GetUInt64()) > 0;
        }, Step, () => $"proposal {id} to be approved");
        return activation;
    }

    /// <summary>2f+1 for n = 3f+1, and the same formula as the engine's otherwise (ValidatorSet.Quorum).</summary>
    private static int Quorum(int validators) => (validators + ((validators - 1) / 3) + 2) / 2;

    private static async Task InForceAsync(string node, ulong activation) =>
        await Eventually.HoldsAsync(async () => await HeightAsync(node) >= activation + 1, Step, () => $"the chain to pass height {activation}");

    private static async Task<string> PublicKeyAsync(string keyFile) => (await Ok("keys", "show", "--key", keyFile)).Trim();

    /// <summary>
    /// Samples the node's height four times a second until cancelled (a measurement, not a wait for a condition); the
    /// longest time between two heights, to the sampling interval.
    /// </summary>
    private static async Task<TimeSpan> WatchCommitsAsync(string node, CancellationToken stop)
    {
        var longest = TimeSpan.Zero;
        var last = await HeightAsync(node);
        var since = Stopwatch.StartNew();
        using var sampling = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (!stop.IsCancellationRequested && await sampling.WaitForNextTickAsync(CancellationToken.None))
        {
            var height = await HeightAsync(node);
            if (height > last)
            {
                longest = since.Elapsed > longest ? since.Elapsed : longest;
                last = height;
                since.Restart();
            }
        }

        return since.Elapsed > longest ? since.Elapsed : longest;
    }

    /// <summary>Casts one vote after another (each waited for) until cancelled, from voter 1 on.</summary>
    private static VoteFlow VoteAsync(string root, string node, CancellationToken stop)
    {
        var flow = new VoteFlow();
        flow.Task = Task.Run(async () =>
        {
            var cast = new List<(string TxId, ulong Height)>();
            for (var voter = 1; voter <= 200 && !stop.IsCancellationRequested; voter++)
            {
                var file = Path.Combine(root, "voters", $"voter-{voter:D5}.json");
                var vote = JsonDocument.Parse(await Ok("vote", "--node", node, "--key", file, "--election", "walk", "--option",
                    voter % 2 == 0 ? "yes" : "no", "--wait", "--json")).RootElement;
                cast.Add((vote.GetProperty("tx_id").GetString()!, vote.GetProperty("committed_height").GetUInt64()));
                flow.Committed = cast.Count;
            }

            return (IReadOnlyList<(string TxId, ulong Height)>)cast;
        }, CancellationToken.None);
        return flow;
    }

    private static Task VotesCommittedAsync(VoteFlow votes, int count) =>
        Eventually.HoldsAsync(() => Task.FromResult(votes.Committed >= count || votes.Task.IsCompleted), Step,
            () => $"{count} votes to commit (so far {votes.Committed})");

    private sealed class VoteFlow
    {
        private int _committed;

        public int Committed { get => Volatile.Read(ref _committed); set => Volatile.Write(ref _committed, value); }

        public Task<IReadOnlyList<(string TxId, ulong Height)>> Task { get; set; } = null!;
    }

    private static string Url(int basePort, int node) => $"http://127.0.0.1:{(basePort + node).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Status through the node's JSON API on its web port (the API port + <see cref="LoopbackPorts.WebPortOffset"/>):
    /// polled several times a second, a CLI process per poll would take the cores the devnet needs. Null while it does
    /// not answer (restarting).
    /// </summary>
    private static async Task<JsonElement?> StatusAsync(string node)
    {
        var web = new UriBuilder(node) { Port = new Uri(node).Port + LoopbackPorts.WebPortOffset, Path = "/v1/status" }.Uri;
        try
        {
            using var answer = await Http.GetAsync(web);
            return answer.IsSuccessStatusCode ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<ulong> HeightAsync(string node) =>
        await StatusAsync(node) is { } status && status.TryGetProperty("height", out var height)
            ? height.ValueKind == JsonValueKind.String ? ulong.Parse(height.GetString()!, CultureInfo.InvariantCulture) : height.GetUInt64()
            : 0;

    private static async Task<string> RoleAsync(string node) =>
        await StatusAsync(node) is { } status && status.TryGetProperty("role", out var role) ? role.GetString() ?? "" : "";

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);
}
