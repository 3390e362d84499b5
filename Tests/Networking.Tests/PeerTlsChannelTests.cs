using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Finding 7 of the issue 9 review over real TLS on 127.0.0.1: a server that shows one certificate on a channel's first
/// connection and another on its second (one stream per connection, so a second call needs a second connection). A
/// gossip channel must refuse the second certificate and keep binding the first, the one its stream runs on.
/// </summary>
public sealed class PeerTlsChannelTests
{
    private string _folder = "";
    private ApiChain _chain = null!;
    private WebApplication _server = null!;
    private X509Certificate2 _first = null!;
    private X509Certificate2 _second = null!;
    private string _url = "";

    [SetUp]
    public async Task StartAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        _chain = new ApiChain(_folder);
        _first = SelfSigned("first");
        _second = SelfSigned("second");
        var connections = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => Interlocked.Increment(ref connections) == 1 ? _first : _second,
                });
            });
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddGrpc();
        var self = new LocalPeer(_chain.Validator, ApiChain.ChainId, ApiChain.GenesisHash, "server", "https://127.0.0.1:1");
        builder.Services.AddSingleton(new PeerServiceImpl(_chain.Store, new RecordingInbox(), PeerValidators.Fixed(_chain.Validators), self,
            ConnectionBinding.HashOf(_first), TimeProvider.System, NullLogger<PeerServiceImpl>.Instance, CancellationToken.None));
        _server = builder.Build();
        _server.MapGrpcService<PeerServiceImpl>();
        await _server.StartAsync();
        _url = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        _chain.Dispose();
        _first.Dispose();
        _second.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [TestCase(true, TestName = "A_gossip_channel_refuses_a_second_connection_with_another_certificate_and_keeps_binding_the_first")]
    [TestCase(false, TestName = "A_channel_that_binds_nothing_takes_the_second_connections_other_certificate")]
    public async Task A_second_connection_with_another_certificate(bool bound)
    {
        var tls = new PeerTls(ownCertificate: null);
        var limits = new PeerLimits(1 << 20, 1 << 20, TimeSpan.FromSeconds(20), 4 << 20);
        var handler = bound ? tls.Secure(limits.CreateHandler()) : PeerTls.SecureUnbound(limits.CreateHandler(), ownCertificate: null);
        using var channel = GrpcChannel.ForAddress(_url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        var client = new PeerService.PeerServiceClient(channel);

        // The stream holds the first connection's only stream slot; the next call needs a second connection.
        using var gossip = client.Gossip(deadline: DateTime.UtcNow.AddSeconds(20));
        Assert.That(await gossip.ResponseStream.MoveNext(CancellationToken.None), Is.True, "the challenge on the first connection");

        var head = client.GetHeadAsync(new GetHeadRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
        if (bound)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await head);
            // grpc-dotnet reports a connection that could not be made as Internal ("Error starting gRPC call").
            Assert.That(refused!.Status.Detail, Does.Contain("SSL connection could not be established"));
            Assert.That(tls.Binding(new Uri(_url)).ServerCertificateHash, Is.EqualTo(ConnectionBinding.HashOf(_first)));
        }
        else
        {
            Assert.That((await head).Height, Is.Zero, "the second connection, with the other certificate, served the call");
        }
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a form SChannel/OpenSSL can use: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
