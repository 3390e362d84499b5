using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Issue 17's backup, restore and reset as an operator runs them, on one real devnet (4 validators, 1 observer) with the
/// demo's votes flowing: a backup of the running observer restores into a new home whose node reaches the same head and
/// follows; a second backup at once is refused; a reset validator keeps its keys and sign-state byte for byte and resyncs;
/// an archive that reaches outside the data folder, or of another chain, is refused with nothing written.
/// </summary>
[NonParallelizable]
public sealed partial class BackupWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    private string _root = null!;
    private string _dir = null!;
    private int _basePort;
    private ServiceProcess _devnet = null!;
    private Task<(string File, ulong Height)>? _backup;

    [OneTimeSetUp]
    public async Task StartDevnetAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "votechain-backup-" + Guid.NewGuid().ToString("N")[..8]);
        _dir = Path.Combine(_root, "devnet");
        _basePort = LoopbackPorts.FreeRange(5);
        _devnet = ServiceProcess.Devnet(_dir, _basePort, demo: true);
        await _devnet.WaitUntilRunningAsync(Step);
    }

    [OneTimeTearDown]
    public async Task StopDevnetAsync()
    {
        await _devnet.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public async Task A_backup_of_a_running_observer_under_load_restores_into_a_new_home_that_reaches_the_same_head_and_follows()
    {
        var (archive, height) = await BackupAsync();
        Assert.That(WorkFolders(Home("observer0")), Is.Empty, "the node removed its checkpoint when the backup was done");

        var home = await NewHomeAsync("restored", Path.Combine(_dir, "genesis.json"));
        var config = Directory.GetFiles(Path.Combine(home, "config")).ToDictionary(f => f, File.ReadAllBytes);
        var restored = await Ok("restore", "--home", home, "--from", archive);
        Assert.That(restored, Does.Contain($"restored chain devnet at height {height}").And.Contain("sign-state: none at"));
        Assert.That(Directory.GetFiles(Path.Combine(home, "config")).ToDictionary(f => f, File.ReadAllBytes), Is.EqualTo(config),
            "restore writes only into the data folder: no sign-state, nothing in config");
        var again = await CliProcess.RunAsync(Step, "restore", "--home", home, "--from", archive);
        Assert.That(again.ExitCode, Is.EqualTo(1), again.Output);
        Assert.That(again.Error.Trim(), Does.StartWith("error:").And.Contain("is not empty"));

        var port = LoopbackPorts.Free();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        await using var node = new ServiceProcess(["start", "--home", home, "--listen", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--peer", Url(0)]);
        // Follows: past the backup's head, with every block the devnet's.
        await Eventually.HoldsAsync(async () => await HeightAsync(url) > height + 2, Step, () => $"the restored node to follow past {height}: {node.Output}");
        foreach (var at in new[] { height, height + 1, height + 2 })
        {
            Assert.That(await BlockHashAsync(url, at), Is.EqualTo(await BlockHashAsync(Url(0), at)), $"block {at}");
        }

        Assert.That(await node.StopAsync(Step), Is.Zero, node.Output);
    }

    [Test]
    public async Task A_second_backup_while_one_is_in_progress_is_refused_and_the_node_removes_the_checkpoint_after_the_first()
    {
        var socketPath = Path.Combine(Home("validator1"), "admin.sock");
        using var first = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await first.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await using var stream = new NetworkStream(first);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await stream.WriteAsync("{\"request\":\"checkpoint\"}\n"u8.ToArray());
        var reply = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement;
        var folder = reply.GetProperty("folder").GetString()!;
        Assert.That(Directory.Exists(folder), Is.True, "the node made a checkpoint for the first backup");

        var second = await CliProcess.RunAsync(Step, "backup", "--home", Home("validator1"), "--out", Path.Combine(_root, "second.tar.gz"));
        Assert.That(second.ExitCode, Is.EqualTo(1), second.Output);
        Assert.That(second.Error.Trim(), Does.StartWith("error:").And.Contain("already in progress"));
        Assert.That(File.Exists(Path.Combine(_root, "second.tar.gz")), Is.False);

        await stream.WriteAsync("{\"request\":\"done\"}\n"u8.ToArray());
        Assert.That(await reader.ReadLineAsync(), Does.Contain("\"ok\":true"));
        Assert.That(Directory.Exists(folder), Is.False, "the checkpoint is gone once the node answered");
    }

    [Test]
    public async Task A_reset_validator_keeps_its_keys_and_sign_state_byte_for_byte_and_resyncs()
    {
        var home = Home("validator3");
        var running = await CliProcess.RunAsync(Step, "reset", "--home", home, "--yes");
        Assert.That(running.ExitCode, Is.EqualTo(1), running.Output);
        Assert.That(running.Error.Trim(), Does.Contain("running").And.Contain("nothing was removed"));

        await Ok("devnet", "stop-node", "validator3", "--dir", _dir);
        var config = Path.Combine(home, "config");
        var before = Directory.GetFiles(config).ToDictionary(f => f, File.ReadAllBytes);
        Assert.That(before.Keys.Select(Path.GetFileName), Is.SupersetOf(new[] { "node_key.json", "sign_state", "trustee.key", "node.json", "genesis.json" }));

        var unconfirmed = await RunWithoutTerminalAsync("reset", "--home", home);
        Assert.That(unconfirmed.ExitCode, Is.EqualTo(2), unconfirmed.Output);
        Assert.That(unconfirmed.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(unconfirmed.Error, Does.StartWith("error:").And.Contain("--yes"));
        Assert.That(File.Exists(Path.Combine(home, "data", "CURRENT")), Is.True, "nothing removed without --yes");

        var reset = await Ok("reset", "--home", home, "--yes");
        Assert.That(reset, Does.Contain("removed:").And.Contain("kept: sign-state").And.Contain("kept: node key"));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(home, "data")), Is.Empty);
        foreach (var (file, bytes) in before)
        {
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(bytes), $"{file} kept byte for byte");
        }

        // Back in the devnet, it syncs the chain again from its peers, past where the others were.
        var head = await HeightAsync(Url(0));
        await Ok("devnet", "restart", "validator3", "--dir", _dir);
        await Eventually.HoldsAsync(async () => await HeightAsync(Url(3)) > head, Step, () => $"validator3 to resync past {head}");
        Assert.That(await BlockHashAsync(Url(3), head), Is.EqualTo(await BlockHashAsync(Url(0), head)));
    }

    [Test]
    public async Task An_archive_with_an_entry_outside_the_data_folder_is_refused_and_nothing_is_written()
    {
        var (archive, _) = await BackupAsync();
        var crafted = Path.Combine(_root, "escape.tar.gz");
        await RewriteAsync(archive, crafted, extra: "data/../../escaped");
        var home = await NewHomeAsync("escape", Path.Combine(_dir, "genesis.json"));

        var refused = await CliProcess.RunAsync(Step, "restore", "--home", home, "--from", crafted);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
        Assert.That(refused.Error.Trim(), Does.StartWith("error:").And.Contain("data/../../escaped").And.Contain("not a file its manifest lists"));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(home, "data")), Is.Empty);
        Assert.That(Directory.EnumerateFileSystemEntries(_root, "escaped", SearchOption.AllDirectories), Is.Empty);
        Assert.That(Directory.EnumerateDirectories(home, "data.restore-*"), Is.Empty);
    }

    [Test]
    public async Task A_backup_of_another_chain_is_refused_and_nothing_is_written()
    {
        var (archive, _) = await BackupAsync();
        var other = Path.Combine(_root, "other-genesis.json");
        await Ok("genesis", "new", "--chain-id", "other", "--out", other);
        var home = await NewHomeAsync("other", other);

        var refused = await CliProcess.RunAsync(Step, "restore", "--home", home, "--from", archive);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
        Assert.That(refused.Error.Trim(), Does.StartWith("error:").And.Contain("chain 'devnet'").And.Contain("chain 'other'"));
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(home, "data")), Is.Empty);
    }

    /// <summary>One backup of the observer while the demo's votes flow, taken by the first test that needs it.</summary>
    private Task<(string File, ulong Height)> BackupAsync() => _backup ??= TakeBackupAsync();

    private async Task<(string File, ulong Height)> TakeBackupAsync()
    {
        // Under load: the demo's votes are being cast (about ten a second for half a minute).
        await Eventually.HoldsAsync(() => Task.FromResult(_devnet.Output.Contains("demo: election", StringComparison.Ordinal)), Step,
            () => $"the demo to start voting: {_devnet.Output}");
        var file = Path.Combine(_root, "observer0.tar.gz");
        var output = await Ok("backup", "--home", Home("observer0"), "--out", file);
        Assert.That(output, Does.Contain("the node running on").And.Contain("wrote"));
        return (file, ulong.Parse(Written().Match(output).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>A home made as an operator makes one: init, then the chain's genesis in its config folder; no web port.</summary>
    private async Task<string> NewHomeAsync(string name, string genesis)
    {
        var home = Path.Combine(_root, name);
        await Ok("init", "--home", home);
        File.Copy(genesis, Path.Combine(home, "config", "genesis.json"));
        var configPath = Path.Combine(home, "config", "node.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!;
        config["web"]!["listen"] = "";
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        return home;
    }

    /// <summary>The archive's entries as they are, plus one more named <paramref name="extra"/>.</summary>
    private static async Task RewriteAsync(string from, string to, string extra)
    {
        await using (var input = new GZipStream(File.OpenRead(from), CompressionMode.Decompress))
        await using (var output = new GZipStream(File.Create(to), CompressionLevel.Fastest))
        {
            using var reader = new TarReader(input);
            await using var writer = new TarWriter(output, TarEntryFormat.Pax);
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                await writer.WriteEntryAsync(entry);
            }

            using var payload = new MemoryStream("outside"u8.ToArray());
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, extra) { DataStream = payload });
        }
    }

    /// <summary>Runs with stdin redirected and closed, as a script or a service runs it: there is no terminal to ask on.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunWithoutTerminalAsync(params string[] args)
    {
        var info = CliProcess.StartInfo(args);
        info.RedirectStandardInput = true;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Step);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string[] WorkFolders(string home) => Directory.GetDirectories(home, "data.backup-*");

    private string Home(string node) => Path.Combine(_dir, node);

    private string Url(int node) => $"http://127.0.0.1:{(_basePort + node).ToString(CultureInfo.InvariantCulture)}";

    private static Task<ulong> HeightAsync(string node) => NodeQueries.HeightAsync(node);

    private static Task<string> BlockHashAsync(string node, ulong height) => NodeQueries.BlockHashAsync(node, height);

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);

    [GeneratedRegex(@"wrote .* chain devnet at height (\d+)")]
    private static partial Regex Written();
}
