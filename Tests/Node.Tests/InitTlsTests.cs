using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using VoteChain.Node.Tls;

namespace VoteChain.Node.Tests;

/// <summary>`votechain init --tls`: a private key only its owner can read, a certificate for the local names, named in node.json.</summary>
public sealed class InitTlsTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void CreateFolder() => _temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _temp.Dispose();

    [Test]
    public void Init_tls_writes_a_private_key_and_a_certificate_for_local_and_given_names_and_names_them_in_the_config()
    {
        var home = _temp.File("node0");

        var run = CliRun.Of("init", "--home", home, "--tls", "--tls-name", "vote.example.org", "--tls-name", "10.1.2.3");

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var keyPath = TlsConfig.KeyPath(home);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(keyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        using var certificate = TlsFiles.Load(TlsConfig.CertificatePath(home), keyPath);
        Assert.That(certificate.HasPrivateKey, Is.True);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.That(names.EnumerateDnsNames(), Is.EquivalentTo(new[] { "localhost", "vote.example.org" }));
        Assert.That(names.EnumerateIPAddresses().Select(a => a.ToString()), Is.EquivalentTo(new[] { "127.0.0.1", "::1", "10.1.2.3" }));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(home, "config", "node.json")))!;
        Assert.That(config["tls"]!["certificate"]!.GetValue<string>(), Is.EqualTo("config/tls.crt"));
        Assert.That(config["tls"]!["key"]!.GetValue<string>(), Is.EqualTo("config/tls.key"));
    }

    [Test]
    public void Init_without_tls_names_no_certificate()
    {
        var home = _temp.File("node0");

        Assert.That(CliRun.Of("init", "--home", home).ExitCode, Is.Zero);

        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(home, "config", "node.json")))!["tls"], Is.Null);
        Assert.That(File.Exists(TlsConfig.KeyPath(home)), Is.False);
    }

    [TestCase("bad name")]
    [TestCase("-")]
    [TestCase("a..b")]
    public void A_certificate_name_that_is_neither_host_nor_address_is_refused_before_anything_is_written(string name)
    {
        var home = _temp.File("node0");

        var run = CliRun.Of("init", "--home", home, "--tls", "--tls-name", name);

        Assert.That(run.SingleErrorLine(), Does.Contain($"--tls-name '{name}'"));
        Assert.That(Directory.Exists(home), Is.False);
    }
}
