using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// A real Kestrel gRPC server on 127.0.0.1 with an ephemeral port, configured with <see cref="ApiHosting"/> as the
/// node is, serving one <see cref="ApiService"/>; and a real client channel to it.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, GrpcChannel channel)
    {
        _app = app;
        Channel = channel;
        Client = new VoteChainApi.VoteChainApiClient(channel);
    }

    public GrpcChannel Channel { get; }

    /// <summary>The server's URL (http://127.0.0.1:port), for a client of its own such as the CLI's --node.</summary>
    public string Address => Channel.Target.StartsWith("http", StringComparison.Ordinal) ? Channel.Target : "http://" + Channel.Target;

    public VoteChainApi.VoteChainApiClient Client { get; }

    public static Task<ApiHost> StartAsync(ApiService service) => StartAsync<NoInterceptor>(service, null);

    /// <summary>
    /// The same server with <paramref name="interceptor"/> in front of the service: a test's stand-in for a node that
    /// rewrites its answers (a lying API node), while the chain behind it stays real.
    /// </summary>
    public static async Task<ApiHost> StartAsync<TInterceptor>(ApiService service, TInterceptor? interceptor)
        where TInterceptor : Grpc.Core.Interceptors.Interceptor
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        // Open streams end when the server stops; a short timeout keeps a failing test from hanging teardown.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var grpc = builder.Services.AddNodeGrpc();
        builder.Services.AddSingleton(service);
        if (interceptor is not null)
        {
            // Registered as a singleton, the interceptor is this instance rather than one made per call.
            builder.Services.AddSingleton(interceptor);
            grpc.AddServiceOptions<ApiService>(options => options.Interceptors.Add<TInterceptor>());
        }

        var app = builder.Build();
        app.MapGrpcService<ApiService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiHost(app, GrpcChannel.ForAddress(address));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The type argument of <see cref="ApiHost.StartAsync(ApiService)"/>: no interceptor is added.</summary>
internal sealed class NoInterceptor : Grpc.Core.Interceptors.Interceptor;
