using System.Runtime.Versioning;

namespace VoteChain.Node.Tests;

/// <summary>A private key that group or others can read or write is refused wherever it is loaded, like ssh does.</summary>
[Platform(Exclude = "Win")]
[UnsupportedOSPlatform("windows")]
public sealed class KeyFileModeTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private TempFolder _temp = null!;
    private string _key = null!;
    private string _publicKey = null!;

    [SetUp]
    public void CreateKey()
    {
        _temp = new TempFolder();
        _key = _temp.File("key.json");
        _publicKey = CliRun.Of("keys", "generate", "--out", _key).Output.Trim();
    }

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [TestCase(UnixFileMode.GroupRead, "readable", "0640")]
    [TestCase(UnixFileMode.OtherRead, "readable", "0604")]
    [TestCase(UnixFileMode.GroupRead | UnixFileMode.OtherRead, "readable", "0644")]
    [TestCase(UnixFileMode.GroupWrite, "writable", "0620")]
    [TestCase(UnixFileMode.OtherWrite, "writable", "0602")]
    [TestCase(UnixFileMode.OtherRead | UnixFileMode.OtherWrite, "readable and writable", "0606")]
    public void A_key_open_to_group_or_others_is_refused_with_one_line_saying_how_to_fix_it(UnixFileMode extra, string how, string octal)
    {
        File.SetUnixFileMode(_key, OwnerOnly | extra);

        var line = CliRun.Of("keys", "show", "--key", _key).SingleErrorLine();

        Assert.That(line, Is.EqualTo(
            $"error: key file {_key} is {how} by others (mode {octal}); run `votechain keys fix-mode {_key}` or chmod 600 {_key}"));
    }

    [Test]
    public void Every_command_that_signs_with_an_authority_or_voter_key_refuses_an_open_key()
    {
        File.SetUnixFileMode(_key, OwnerOnly | UnixFileMode.OtherRead);

        // The key is checked before any node is dialled, so an unreachable URL is enough.
        var node = "http://127.0.0.1:1";
        var csv = _temp.File("voters.csv");
        File.WriteAllText(csv, _publicKey + "\n");
        string[][] commands =
        [
            ["vote", "--node", node, "--key", _key, "--election", "e", "--option", "a"],
            ["election", "create", "--node", node, "--key", _key, "--id", "e", "--title", "t", "--option", "a", "--option", "b", "--closes-at", "+1h"],
            ["voters", "register", "--node", node, "--key", _key, "--election", "e", "--file", csv],
            ["voters", "revoke", "--node", node, "--key", _key, "--election", "e", "--pubkey", _publicKey],
            ["bench", "--node", node, "--key", _key, "--voters", "1"],
        ];
        foreach (var command in commands)
        {
            var run = CliRun.Of(command);
            Assert.That(run.Error, Does.Contain("is readable by others (mode 0604)"), () => $"{string.Join(' ', command)}: {run}");
        }
    }

    [Test]
    public void Fix_mode_makes_the_key_owner_only_and_loadable_again()
    {
        File.SetUnixFileMode(_key, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

        var fix = CliRun.Of("keys", "fix-mode", _key);

        Assert.That(fix.ExitCode, Is.Zero, fix.ToString());
        Assert.That(fix.Output.Trim(), Is.EqualTo($"{_key}: mode 0646 -> 0600"));
        Assert.That(File.GetUnixFileMode(_key), Is.EqualTo(OwnerOnly));
        Assert.That(CliRun.Of("keys", "show", "--key", _key).Output.Trim(), Is.EqualTo(_publicKey));
    }

    [Test]
    public void Fix_mode_on_a_missing_file_fails_with_one_line_and_without_a_path_is_a_usage_error()
    {
        var missing = _temp.File("absent.json");

        Assert.That(CliRun.Of("keys", "fix-mode", missing).SingleErrorLine(), Is.EqualTo($"error: key file {missing} does not exist"));
        Assert.That(CliRun.Of("keys", "fix-mode").ExitCode, Is.EqualTo(Cli.ExitCodes.Usage));
    }

    [Test]
    public void Init_and_generate_create_keys_that_load_without_a_fix()
    {
        var home = _temp.File("home");

        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);

        var nodeKey = Path.Combine(home, "config", "node_key.json");
        Assert.That(File.GetUnixFileMode(nodeKey), Is.EqualTo(OwnerOnly));
        Assert.That(CliRun.Of("keys", "show", "--key", nodeKey).ExitCode, Is.Zero);
        Assert.That(File.GetUnixFileMode(_key), Is.EqualTo(OwnerOnly));
    }
}
