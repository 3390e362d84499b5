using System.Diagnostics;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Storage;

namespace VoteChain.Benchmarks;

/// <summary>
/// A <see cref="RocksVoteChain"/> of a given size built once and copied for each benchmark process, since BenchmarkDotNet
/// runs every case in a process of its own and a million votes take minutes to write. The template is named after the
/// Storage and Consensus builds (their module version ids), so a change to either builds it anew; older templates are
/// deleted then.
/// </summary>
internal static class RocksChainTemplate
{
    public static void CopyTo(int votes, string folder)
    {
        var prefix = $"votechain-chain-template-{votes}-";
        var template = Path.Combine(Path.GetTempPath(), prefix + BuildId());
        if (!Directory.Exists(template))
        {
            foreach (var old in Directory.GetDirectories(Path.GetTempPath(), prefix + "*"))
            {
                Directory.Delete(old, recursive: true);
            }

            var building = template + ".building";
            var started = Stopwatch.StartNew();
            using (var chain = new RocksVoteChain(building))
            {
                chain.GrowTo(votes);
                Console.WriteLine($"// chain template of {votes} votes: {chain.Store.Height} blocks built in {started.Elapsed.TotalSeconds:F1} s "
                    + $"({started.Elapsed.TotalMilliseconds / chain.Store.Height:F0} ms a block)");
            }

            Directory.Move(building, template);
        }

        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(template))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    private static string BuildId() =>
        $"{typeof(ChainStore).Assembly.ManifestModule.ModuleVersionId:N}-{typeof(StateTree).Assembly.ManifestModule.ModuleVersionId:N}"[..24];
}
