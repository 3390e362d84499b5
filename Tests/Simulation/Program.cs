using System.CommandLine;

namespace VoteChain.Simulation;

/// <summary>The sweep: many seeded random runs, one summary line; any violation or stall prints its seed and trace.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var seeds = new Option<int>("--seeds") { Description = "How many seeds to run.", DefaultValueFactory = _ => 1000 };
        var first = new Option<int>("--first-seed") { Description = "The first seed (runs first .. first+seeds-1).", DefaultValueFactory = _ => 1 };
        var validators = new Option<string>("--validators") { Description = "Comma-separated validator counts, used in turn.", DefaultValueFactory = _ => "4,7" };
        var faults = new Option<string>("--faults")
        {
            Description = "Comma-separated faults: drop, delay, duplicate, reorder, partition, crash, byzantine, byz-body-swap, "
                + "byz-view-steer, byz-lying-sync, byz-time-skew, reconfigure, all or none.",
            DefaultValueFactory = _ => "all",
        };
        var root = new RootCommand("Runs the PBFT engine under seeded random faults and checks safety and liveness.") { seeds, first, validators, faults };
        root.SetAction(parse => Sweep(parse.GetValue(seeds), parse.GetValue(first), ParseSizes(parse.GetValue(validators)!),
            ParseFaults(parse.GetValue(faults)!)));
        return root.Parse(args).Invoke();
    }

    /// <summary>Fault names as on the command line; "byz-body-swap" is <see cref="Faults.ByzBodySwap"/>.</summary>
    public static Faults ParseFaults(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Aggregate(Faults.None, (all, name) => all | Enum.Parse<Faults>(name.Replace("-", "", StringComparison.Ordinal), ignoreCase: true));

    private static int[] ParseSizes(string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();

    private static int Sweep(int seeds, int first, int[] sizes, Faults faults)
    {
        var summary = new SweepSummary();
        for (var i = 0; i < seeds; i++)
        {
            var seed = first + i;
            var size = sizes[i % sizes.Length];
            var run = new RandomRun(seed, size, faults);
            var result = run.Execute();
            summary.Add(result);
            if (result.Violations.Count > 0 || result.Stalled)
            {
                Console.WriteLine($"FAILED seed={seed} validators={size}: {(result.Stalled ? "stall" : string.Join("; ", result.Violations))}");
                Console.WriteLine(run.Simulation.Trace);
            }
        }

        Console.WriteLine(summary);
        return summary.Failures == 0 ? 0 : 1;
    }
}
