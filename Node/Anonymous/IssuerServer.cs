using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// <c>votechain issuer serve</c>'s HTTP endpoint around an <see cref="IssuerDesk"/>. Bounded like the node's API: small
/// bodies that must arrive whole within seconds (read before a request takes a place, so slow senders hold none), few
/// connections, headers in time, and a cap on requests in progress (each may wait while its poll book entry commits),
/// so a flood of clients queues or is told BUSY rather than exhausting the issuer. Clients get the refusal's code and
/// sentence, never the issuer's internals: those go to its own output.
/// </summary>
internal sealed class IssuerServer : IAsyncDisposable
{
    private const int MaxInProgress = 32;
    private static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly SemaphoreSlim _inProgress = new(MaxInProgress, MaxInProgress);
    private readonly Action<string> _report;

    public IssuerServer(IssuerDesk desk, IPEndPoint listen, Action<string> report)
    {
        _report = report;

        // A request in progress blocks a thread on the node's answers while its entry commits: enough threads from the
        // start for every place (the pool would otherwise add one per half second while requests wait).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 2 * MaxInProgress + 16), io);
        // Production whatever the environment says: no developer exception page for anonymous clients.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = IssuerProtocol.MaxRequestBytes;
            kestrel.Limits.MaxConcurrentConnections = 512;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
            kestrel.Listen(listen);
        });
        _app = builder.Build();
        _app.MapGet(IssuerProtocol.InfoPath, () => Results.Json(desk.Info(), IssuerProtocol.Json));
        _app.MapPost(IssuerProtocol.KeyPath, (Delegate)((HttpContext context) => Handle<WeightKeyRequest>(context,
            (request, _) => Task.Run(() => (object)desk.WeightKey(request)))));
        _app.MapPost(IssuerProtocol.SignPath, (Delegate)((HttpContext context) => Handle<SignRequest>(context, async (request, token) =>
        {
            var answer = await desk.SignAsync(request, token).ConfigureAwait(false);
            report($"served a roll entry of election {request.ElectionId} (height {answer.Height})");
            return answer;
        })));
    }

    /// <summary>Where it listens, with the port the system chose when asked for port 0.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _inProgress.Dispose();
    }

    private async Task<IResult> Handle<TRequest>(HttpContext context, Func<TRequest, CancellationToken, Task<object>> serve)
        where TRequest : class
    {
        var token = context.RequestAborted;
        TRequest? request;
        try
        {
            using var body = CancellationTokenSource.CreateLinkedTokenSource(token);
            body.CancelAfter(BodyTimeout);
            request = await JsonSerializer.DeserializeAsync<TRequest>(context.Request.Body, IssuerProtocol.Json, body.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or BadHttpRequestException or NotSupportedException)
        {
            return Error(IssuerRefusal.BadRequest($"the request is not a valid {typeof(TRequest).Name} JSON body"));
        }
        catch (OperationCanceledException)
        {
            return Error(new IssuerRefusal(408, "TIMEOUT", $"the request body did not arrive within {BodyTimeout.TotalSeconds:F0}s"));
        }

        if (request is null)
        {
            return Error(IssuerRefusal.BadRequest("the request body is empty"));
        }

        if (!await _inProgress.WaitAsync(QueueWait, token).ConfigureAwait(false))
        {
            return Error(new IssuerRefusal(503, "BUSY", "the issuer is busy; try again shortly"));
        }

        try
        {
            return Results.Json(await serve(request, token).ConfigureAwait(false), IssuerProtocol.Json);
        }
        catch (IssuerRefusal refusal)
        {
            return Error(refusal);
        }
        catch (UserInputException e)
        {
            // The node behind the issuer failed (unreachable, or refused a read): said here, not to the client.
            _report($"warning: {e.Message}");
            return Error(new IssuerRefusal(503, "NODE_UNAVAILABLE", "the issuer cannot reach its node; try again later (nothing was signed)"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _report($"error: serving a request failed: {e.GetType().Name}: {e.Message}");
            return Error(new IssuerRefusal(500, "INTERNAL", "the issuer failed to serve this request; try again later"));
        }
        finally
        {
            _inProgress.Release();
        }
    }

    private static IResult Error(IssuerRefusal refusal) =>
        Results.Json(new IssuerError(refusal.Code, refusal.Message), IssuerProtocol.Json, statusCode: refusal.HttpStatus);
}
