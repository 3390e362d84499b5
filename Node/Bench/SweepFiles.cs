using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;

namespace VoteChain.Node.Bench;

/// <summary>Writes a sweep's sweep.json, sweep.svg and sweep.png into its folder and prints the result (or the JSON with --json).</summary>
internal static class SweepFiles
{
    public static void Write(SweepReport report, string folder, TextWriter stdout, bool asJson)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using (var json = new StreamWriter(Path.Combine(folder, "sweep.json")))
            {
                JsonOutput.Write(json, report);
            }

            SweepPlot.Write(report, Path.Combine(folder, "sweep.svg"), Path.Combine(folder, "sweep.png"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write the sweep's files to {folder}: {e.Message}", e);
        }

        if (asJson)
        {
            JsonOutput.Write(stdout, report);
            return;
        }

        stdout.WriteLine($"highest sustained:     {report.HighestSustainableVotesPerSecond:N0} votes/s offered, " +
            $"{report.FractionOfLimitAtHighest:P1} of the limit {report.LimitVotesPerSecond:N0} votes/s");
        stdout.WriteLine($"plot and figures:      {Path.Combine(folder, "sweep.svg")}, sweep.png, sweep.json");
    }
}
