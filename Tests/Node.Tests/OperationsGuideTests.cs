using System.Text.RegularExpressions;

namespace VoteChain.Node.Tests;

/// <summary>docs/OPERATIONS.md shows the example systemd unit as config/votechain.service has it.</summary>
public sealed class OperationsGuideTests
{
    [Test]
    public void The_guide_shows_the_example_unit_as_it_is_without_its_comments()
    {
        var root = RepositoryRoot();
        var guide = File.ReadAllText(Path.Combine(root, "docs", "OPERATIONS.md"));
        var shown = Regex.Match(guide, "```ini\n(.*?)```", RegexOptions.Singleline).Groups[1].Value.Split('\n');
        var unit = File.ReadAllLines(Path.Combine(root, "config", "votechain.service")).Where(l => !l.StartsWith('#'));

        Assert.That(shown[..^1], Is.EqualTo(unit));
        Assert.That(unit, Has.Some.Contains("votechain start --home").And.Some.Contains("votechain config check --home"));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "config", "votechain.service")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("No config/votechain.service above the test folder.");
    }
}
