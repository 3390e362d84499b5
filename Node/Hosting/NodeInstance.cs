using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace VoteChain.Node.Hosting;

/// <summary>
/// A built node: its web application and the resources it owns (peer connections, the database, the key), which
/// are released in order when the node is disposed, whether or not it ever started.
/// </summary>
public sealed class NodeInstance : IAsyncDisposable
{
    private readonly IReadOnlyList<object> _owned;
    private Driver.ConsensusDriver? _driver;

    internal NodeInstance(WebApplication app, NodeOptions options, IReadOnlyList<object> owned)
    {
        App = app;
        Options = options;
        _owned = owned;
    }

    public WebApplication App { get; }

    public NodeOptions Options { get; }

    /// <summary>Why the node stopped itself (its consensus driver could not go on), or null after a normal stop.</summary>
    public string? Fatal => _driver?.Fatal;

    public Task StartAsync()
    {
        KeepDriver();
        return App.StartAsync();
    }

    public Task StopAsync() => App.StopAsync();

    /// <summary>Serves until SIGINT or SIGTERM.</summary>
    public Task RunAsync()
    {
        KeepDriver();
        return App.RunAsync();
    }

    /// <summary>
    /// Held from the start: <see cref="WebApplication.RunAsync"/> disposes the services when it returns, and asking them
    /// for the driver then, to read <see cref="Fatal"/>, threw instead (a SIGTERM'd `votechain start` exited 1).
    /// </summary>
    private void KeepDriver() => _driver ??= App.Services.GetService<Driver.ConsensusDriver>();

    public async ValueTask DisposeAsync()
    {
        // The host first (its services stop: the driver finishes its step), then peers, then the database.
        await App.DisposeAsync().ConfigureAwait(false);
        foreach (var resource in _owned)
        {
            switch (resource)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
