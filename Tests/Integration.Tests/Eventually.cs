namespace VoteChain.Integration.Tests;

/// <summary>Polls a condition until it holds or a deadline passes: tests wait for facts, never for fixed times.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:F0}s waiting for: {what()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
