using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// grpc-dotnet serves a call whatever follows "application/grpc" after a '+' or ';' (application/grpc+json,
/// application/grpc;x, in any case). Every such call is gRPC to the node's guards too: kept off the web port (even with
/// TLS, where that port speaks HTTP/2) and held to the per-method message bounds on the gRPC port.
/// </summary>
public sealed class GrpcContentTypeTests
{
    private static readonly string[] GrpcVariants = ["application/grpc+json", "application/grpc;charset=x", "APPLICATION/GRPC+anything"];

    [Test]
    public async Task With_tls_no_variant_of_the_grpc_content_type_reaches_a_service_on_the_web_port()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, tls: true, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient(net.TrustingTestCa()) { BaseAddress = new Uri(net.WebUrl(0)) };
        foreach (var type in GrpcVariants)
        {
            foreach (var method in new[] { "/votechain.v1.PeerService/GetHead", "/votechain.v1.VoteChainApi/GetStatus", "/grpc.health.v1.Health/Check" })
            {
                using var response = await http.SendAsync(Call(method, type, Frame(0), HttpVersion.Version20));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{type} {method}");
                Assert.That(response.Headers.Contains("grpc-status") || response.TrailingHeaders.Contains("grpc-status"), Is.False, $"{type} {method}");
            }
        }
    }

    [Test]
    public async Task On_plain_http_the_web_port_refuses_a_grpc_variant_before_reading_its_body()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        foreach (var type in GrpcVariants)
        {
            using var response = await http.SendAsync(Call("/v1/transactions", type, Frame(100_000), HttpVersion.Version11));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), type);
        }

        Assert.That((await http.GetAsync("/v1/status")).IsSuccessStatusCode, Is.True);
    }

    [Test]
    public async Task On_the_grpc_port_a_grpc_variant_is_held_to_the_methods_message_bound()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.Url(0)) };
        foreach (var type in GrpcVariants)
        {
            // GetStatus takes an empty message: 70 000 bytes is far over its bound, refused unread whatever the suffix.
            using var response = await http.SendAsync(Call("/votechain.v1.VoteChainApi/GetStatus", type, Frame(70_000), HttpVersion.Version20));
            await response.Content.ReadAsByteArrayAsync();
            var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.First()
                : response.Headers.TryGetValues("grpc-status", out var header) ? header.First() : "(none)";
            Assert.That(status, Is.EqualTo("8"), $"{type}: RESOURCE_EXHAUSTED");
        }
    }

    private static HttpRequestMessage Call(string path, string contentType, byte[] body, Version version)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>One gRPC message frame: uncompressed flag, big-endian length, then an unknown field filling it.</summary>
    private static byte[] Frame(int payload)
    {
        var frame = new byte[5 + payload];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)payload);
        return frame;
    }
}
