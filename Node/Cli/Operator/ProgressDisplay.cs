using Spectre.Console;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// Progress of a long job in named stages over the same total: Spectre bars on a terminal, otherwise a plain line
/// each time a stage moves (never one per poll), so a log shows where a job stopped.
/// </summary>
internal static class ProgressDisplay
{
    /// <param name="work">Does the job and reports (stage index, items done so far) through its argument.</param>
    public static void Run(TextWriter output, long total, IReadOnlyList<string> stages, Action<Action<int, long>> work)
    {
        if (Terminal.IsInteractive(output))
        {
            Terminal.Open(output).Progress().Start(context =>
            {
                var tasks = stages.Select(s => context.AddTask(Markup.Escape(s), autoStart: true, maxValue: total)).ToArray();
                work((stage, done) => tasks[stage].Value = done);
            });
            return;
        }

        var shown = new long[stages.Count];
        work((stage, done) =>
        {
            if (done != shown[stage])
            {
                shown[stage] = done;
                output.WriteLine($"{stages[stage]}: {done}/{total}");
            }
        });
    }
}
