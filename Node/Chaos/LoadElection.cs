using System.Diagnostics;
using VoteChain.Node.Bench;

namespace VoteChain.Node.Chaos;

/// <summary>
/// The election a long load votes in (chaos runs, soaks): revotes allowed, so a fixed set of voters never runs dry.
/// Vote k is voter k mod n's (k / n + 1)-th.
/// </summary>
internal sealed record LoadElection(BenchRunner Bench, string Election, byte[][] Seeds)
{
    public static async Task<LoadElection> PrepareAsync(BenchRunner bench, int voters, double rate, string name, TextWriter output,
        CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var (election, seeds) = await bench.PrepareRevotingElectionAsync(voters, name, cancellation).ConfigureAwait(false);
        output.WriteLine($"election {election}: {voters} voters registered in {clock.Elapsed.TotalSeconds:F1} s; each votes again every " +
            $"{voters / rate:F0} s under the load");
        return new LoadElection(bench, election, seeds);
    }

    public byte[] SignVote(long k) =>
        Bench.SignVote(Seeds[k % Seeds.Length], Election, (uint)(k % 4), (ulong)(k / Seeds.Length) + 1);
}
