using System.Text.Json;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Cli;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Tests.Anonymous;

/// <summary>
/// The anonymous-election commands without a node: usage errors (exit 2), one-line failures (exit 1) for bad files,
/// and the files they write (issuer key and public file; a credential file that votes as a key file).
/// </summary>
[Platform(Exclude = "Win")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AnonymousCliTests
{
    private static readonly string[] Create =
    [
        "election", "create", "--key", "none.json", "--id", "e1", "--title", "T", "--option", "a", "--option", "b",
        "--closes-at", "+1h", "--node", "http://127.0.0.1:1",
    ];

    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase("--issuer", "x.pub")]
    [TestCase("--issuing-closes", "+1m")]
    [TestCase("--registration-opens", "+1m")]
    public void An_anonymous_setting_without_anonymous_is_a_usage_error(string option, string value)
    {
        var run = CliRun.Of([.. Create, option, value]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain($"{option} only apply to an anonymous election: add --anonymous"));
    }

    [Test]
    public void Anonymous_without_an_issuer_is_a_usage_error()
    {
        var run = CliRun.Of([.. Create, "--anonymous"]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("--anonymous needs 1 to 8 --issuer files"));
    }

    [Test]
    public void Issuer_init_writes_a_private_key_and_a_public_file_the_election_can_name_and_never_overwrites()
    {
        var key = _temp.File("issuer.key");
        var run = CliRun.Of("issuer", "init", "--out", key);
        Assert.That(run.ExitCode, Is.Zero, run.ToString());

        using var loaded = KeyFile.Load(key);
        Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(IssuerPublicFile.Load(key + IssuerCommands.PublicSuffix), Is.EqualTo(loaded.PublicKey));
        Assert.That(run.Output, Does.Contain(Convert.ToHexStringLower(loaded.PublicKey)));

        Assert.That(CliRun.Of("issuer", "init", "--out", key).SingleErrorLine(), Does.Contain("already exists"));
    }

    [Test]
    public void A_file_that_is_not_an_issuer_public_file_is_one_line()
    {
        var notPublic = _temp.File("voter.json");
        Assert.That(CliRun.Of("keys", "generate", "--out", notPublic).ExitCode, Is.Zero);
        var run = CliRun.Of([.. Create, "--anonymous", "--issuer", notPublic]);
        Assert.That(run.SingleErrorLine(), Does.Contain("is not an issuer public file"));
        Assert.That(CliRun.Of([.. Create, "--anonymous", "--issuer", _temp.File("missing.pub")]).SingleErrorLine(),
            Does.Contain("cannot read issuer public file"));
    }

    [Test]
    public void Issuer_serve_refuses_a_listen_address_that_is_not_host_and_port()
    {
        var key = _temp.File("issuer.key");
        Assert.That(CliRun.Of("issuer", "init", "--out", key).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("issuer", "serve", "--key", key, "--listen", "localhost").SingleErrorLine(),
            Does.Contain("--listen 'localhost' is not HOST:PORT"));
        Assert.That(CliRun.Of("issuer", "serve", "--key", key, "--serve-timeout", "0").ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void A_credential_file_votes_as_a_key_file_and_an_unfinished_one_does_not_register()
    {
        using var key = Consensus.Crypto.Ed25519KeyPair.Generate();
        var path = _temp.File("credential.json");
        var pending = new CredentialFile(new CredentialFileJson(CredentialFile.Type, Convert.ToHexStringLower(key.PublicKey),
            Convert.ToHexStringLower(key.ExportSeed()), "c", "e1", 1, [new CredentialIssuerPart("00", "00", "00")]));
        pending.Update(pending.Content, path);

        using var loaded = KeyFile.Load(path);
        Assert.That(loaded.PublicKey, Is.EqualTo(key.PublicKey));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(CliRun.Of("credential", "register", "--credential", path, "--election", "e1").SingleErrorLine(),
            Does.Contain("is not complete"));
        Assert.That(CliRun.Of("credential", "register", "--credential", path, "--election", "other").SingleErrorLine(),
            Does.Contain("is for election e1, not other"));
    }

    [Test]
    public void A_credential_file_whose_key_does_not_match_is_refused()
    {
        using var key = Consensus.Crypto.Ed25519KeyPair.Generate();
        using var other = Consensus.Crypto.Ed25519KeyPair.Generate();
        var path = _temp.File("credential.json");
        var json = JsonSerializer.Serialize(new CredentialFileJson(CredentialFile.Type, Convert.ToHexStringLower(other.PublicKey),
            Convert.ToHexStringLower(key.ExportSeed()), "c", "e1", 1, []), IssuerProtocol.Json);
        File.WriteAllText(path, json);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.That(CliRun.Of("credential", "register", "--credential", path, "--election", "e1").SingleErrorLine(),
            Does.Contain("public_key does not belong to private_seed"));
    }
}
