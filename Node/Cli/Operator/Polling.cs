namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The --wait of every command: ask the node again until what was submitted shows up in committed state, or
/// give up with one line after a deadline (a transaction can sit in a mempool forever if the chain stalls).
/// </summary>
internal static class Polling
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Calls <paramref name="probe"/> until it returns a value; <paramref name="what"/> completes "waiting for ...".</summary>
    public static T Until<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException(
                    $"timed out after {Timeout.TotalSeconds:F0}s waiting for {what} (it was submitted and may still commit)");
            }

            Thread.Sleep(Interval);
        }
    }
}
