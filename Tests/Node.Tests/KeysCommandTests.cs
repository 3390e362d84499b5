using VoteChain.Node.Keys;

namespace VoteChain.Node.Tests;

public sealed class KeysCommandTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void Generate_creates_an_owner_only_key_file_and_prints_its_public_key()
    {
        var path = _temp.File("keys/validator.json");

        var run = CliRun.Of("keys", "generate", "--out", path);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Error, Is.Empty);
        using var key = KeyFile.Load(path);
        Assert.That(run.Output.Trim(), Is.EqualTo(Convert.ToHexStringLower(key.PublicKey)));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void Generate_refuses_to_overwrite_an_existing_key_file()
    {
        var path = _temp.File("key.json");
        var first = CliRun.Of("keys", "generate", "--out", path);
        var before = File.ReadAllText(path);

        var second = CliRun.Of("keys", "generate", "--out", path);

        Assert.That(first.ExitCode, Is.Zero);
        Assert.That(second.SingleErrorLine(), Is.EqualTo($"error: key file {path} already exists (refusing to overwrite)"));
        Assert.That(File.ReadAllText(path), Is.EqualTo(before));
    }

    [Test]
    public void Show_prints_the_public_key_that_generate_printed()
    {
        var path = _temp.File("key.json");
        var generated = CliRun.Of("keys", "generate", "--out", path);

        var shown = CliRun.Of("keys", "show", "--key", path);

        Assert.That(shown.ExitCode, Is.Zero, shown.ToString());
        Assert.That(shown.Output, Is.EqualTo(generated.Output));
    }

    [TestCase("not json at all", "is not a valid key file")]
    [TestCase("{\"type\":\"ed25519\"}", "missing required properties")]
    [TestCase("{\"type\":\"rsa\",\"public_key\":\"00\",\"private_seed\":\"00\"}", "has key type 'rsa'")]
    [TestCase("{\"type\":\"ed25519\",\"public_key\":\"zz\",\"private_seed\":\"zz\"}", "is not valid hex")]
    [TestCase("{\"type\":\"ed25519\",\"public_key\":\"00\",\"private_seed\":\"0011\"}", "must be 32 bytes")]
    public void Show_rejects_a_bad_key_file_with_one_line(string content, string expected)
    {
        var path = _temp.File("bad.json");
        WriteOwnerOnly(path, content);

        var run = CliRun.Of("keys", "show", "--key", path);

        Assert.That(run.SingleErrorLine(), Does.Contain(expected));
    }

    [Test]
    public void Show_rejects_a_key_file_whose_public_key_does_not_match_its_seed()
    {
        var first = _temp.File("first.json");
        var second = _temp.File("second.json");
        CliRun.Of("keys", "generate", "--out", first);
        var otherKey = CliRun.Of("keys", "generate", "--out", second).Output.Trim();
        var text = File.ReadAllText(first);
        var ownKey = CliRun.Of("keys", "show", "--key", first).Output.Trim();
        var tampered = _temp.File("tampered.json");
        WriteOwnerOnly(tampered, text.Replace(ownKey, otherKey, StringComparison.Ordinal));

        var run = CliRun.Of("keys", "show", "--key", tampered);

        Assert.That(run.SingleErrorLine(), Does.Contain("public_key does not belong to private_seed"));
    }

    [Test]
    public void Show_reports_a_missing_key_file_with_one_line()
    {
        var path = _temp.File("absent.json");

        var run = CliRun.Of("keys", "show", "--key", path);

        Assert.That(run.SingleErrorLine(), Is.EqualTo($"error: key file {path} does not exist"));
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
