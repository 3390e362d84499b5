using System.CommandLine;
using VoteChain.Node.Cli;

namespace VoteChain.Node.Tests;

public sealed class HelpTests
{
    /// <summary>Every command of the tree, as the words that invoke it (the root is the empty path).</summary>
    private static IEnumerable<string[]> CommandPaths()
    {
        var pending = new Queue<(Command Command, string[] Path)>([(CliApp.BuildRoot(), [])]);
        while (pending.TryDequeue(out var next))
        {
            yield return next.Path;
            foreach (var sub in next.Command.Subcommands)
            {
                pending.Enqueue((sub, [.. next.Path, sub.Name]));
            }
        }
    }

    [TestCaseSource(nameof(CommandPaths))]
    public void Help_on_every_command_succeeds_and_lists_its_options(string[] path)
    {
        var command = path.Aggregate((Command)CliApp.BuildRoot(), (parent, word) => parent.Subcommands.Single(c => c.Name == word));

        var run = CliRun.Of([.. path, "--help"]);

        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(run.Output, Does.Contain("Usage:"));
        foreach (var option in command.Options)
        {
            Assert.That(run.Output, Does.Contain(option.Name));
        }

        foreach (var sub in command.Subcommands)
        {
            Assert.That(run.Output, Does.Contain(sub.Name));
        }
    }

    [Test]
    public void The_tree_has_every_command_of_the_foundation()
    {
        var paths = CommandPaths().Select(p => string.Join(' ', p));

        Assert.That(paths, Is.SupersetOf(new[]
        {
            "keys generate", "keys show", "genesis new", "genesis add-validator", "genesis add-authority", "genesis show", "init",
        }));
    }
}
