using System.Text.Json.Nodes;
using VoteChain.Consensus.Genesis;
using VoteChain.Node.Genesis;

namespace VoteChain.Node.Tests;

/// <summary>The files under config/ in the repository stay loadable and documented.</summary>
public sealed class RepositoryConfigTests
{
    [Test]
    public void The_example_genesis_loads_and_is_ready_to_run()
    {
        var genesis = GenesisFile.Load(Path.Combine(ConfigFolder(), "genesis.example.json"));

        Assert.That(GenesisValidator.Validate(genesis), Is.Empty);
        Assert.That(genesis.Validators.Select(v => v.Endpoint),
            Is.EqualTo(new[] { "http://127.0.0.1:7100", "http://127.0.0.1:7101", "http://127.0.0.1:7102", "http://127.0.0.1:7103" }));
        Assert.That(genesis.Authorities, Has.Count.EqualTo(1));
    }

    [Test]
    public void The_config_readme_documents_every_field_of_the_default_node_config()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(ConfigFolder(), "node.json")))!.AsObject();
        var readme = File.ReadAllText(Path.Combine(ConfigFolder(), "README.md"));

        var fields = config.SelectMany(field => field.Value is JsonObject inner
            ? inner.Select(child => $"{field.Key}.{child.Key}")
            : [field.Key]);

        foreach (var field in fields)
        {
            Assert.That(readme, Does.Contain($"| `{field}` |"), $"config/README.md does not document {field}");
        }
    }

    private static string ConfigFolder()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "config", "node.json");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new DirectoryNotFoundException("No config/node.json above the test folder.");
    }
}
