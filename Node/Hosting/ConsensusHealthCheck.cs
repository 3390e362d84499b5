using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoteChain.Node.Driver;

namespace VoteChain.Node.Hosting;

/// <summary>Healthy while the consensus driver's loop runs; a faulted or finished driver means the node is not serving.</summary>
internal sealed class ConsensusHealthCheck(ConsensusDriver driver) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var task = driver.ExecuteTask;
        var result = task is null || task.IsCompleted
            ? HealthCheckResult.Unhealthy(task?.Exception?.GetBaseException().Message ?? "the consensus driver is not running")
            : HealthCheckResult.Healthy($"height {driver.Height}, view {driver.View}");
        return Task.FromResult(result);
    }
}
