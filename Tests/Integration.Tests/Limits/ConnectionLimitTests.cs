using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Limits;

/// <summary>
/// One client address cannot take all connections, streams or submissions: past its limit it is refused while
/// another address (127.0.0.2) is still served.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static DateTime Soon => DateTime.UtcNow.AddSeconds(10);

    [Test]
    public async Task Connections_past_the_per_address_limit_are_refused_while_another_address_is_served()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["max_connections_per_address"] = 2 });
        using var first = LimitedNode.Channel(net, IPAddress.Loopback);
        using var second = LimitedNode.Channel(net, IPAddress.Loopback);
        using var third = LimitedNode.Channel(net, IPAddress.Loopback);
        using var other = LimitedNode.Channel(net, LimitedNode.Other);
        await LimitedNode.Api(first).GetStatusAsync(new GetStatusRequest(), deadline: Soon);
        await LimitedNode.Api(second).GetStatusAsync(new GetStatusRequest(), deadline: Soon);

        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await LimitedNode.Api(third).GetStatusAsync(new GetStatusRequest(), deadline: Soon));
        var served = await LimitedNode.Api(other).GetStatusAsync(new GetStatusRequest(), deadline: Soon);
        var stillServed = await LimitedNode.Api(first).GetStatusAsync(new GetStatusRequest(), deadline: Soon);

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.Unavailable), refused.Status.Detail);
        Assert.That(served.Height, Is.Zero);
        Assert.That(stillServed.Height, Is.Zero);
    }

    [Test]
    public async Task Browsers_holding_the_web_ports_connections_leave_the_grpc_port_to_its_clients_and_peers()
    {
        // Results pages hold their streams open; from one address (a NAT, or someone hostile) they may fill the web
        // port's per-address count, but never the peer and API port's: each endpoint counts its own.
        var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await using (net)
        {
            await LimitedNode.WriteLimitsAsync(net, 0, new JsonObject { ["max_connections_per_address"] = 2 });
            await net.StartAsync(0);
            var web = new Uri(net.WebUrl(0));
            using var held1 = new TcpClient();
            using var held2 = new TcpClient();
            await held1.ConnectAsync(IPAddress.Loopback, web.Port);
            await held2.ConnectAsync(IPAddress.Loopback, web.Port);
            using var browser = new HttpClient { BaseAddress = web };
            await Eventually.HoldsAsync(async () =>
            {
                try
                {
                    using var third = await browser.GetAsync("/v1/status");
                    return false;
                }
                catch (HttpRequestException)
                {
                    return true;
                }
            }, TimeSpan.FromSeconds(10), () => "the web port to refuse a third connection from the address");

            using var client = LimitedNode.Channel(net, IPAddress.Loopback);
            var status = await LimitedNode.Api(client).GetStatusAsync(new GetStatusRequest(), deadline: Soon);
            Assert.That(status.ChainId, Is.EqualTo(TestNetwork.ChainId));
        }
    }

    [Test]
    public async Task Streams_past_the_per_connection_limit_are_not_served_while_another_connection_is()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["max_streams_per_connection"] = 2 });
        using var busy = LimitedNode.Channel(net, IPAddress.Loopback);
        using var other = LimitedNode.Channel(net, LimitedNode.Other);
        var api = LimitedNode.Api(busy);
        using var open1 = api.SubmitStream(deadline: DateTime.UtcNow.AddSeconds(30));
        using var open2 = api.SubmitStream(deadline: DateTime.UtcNow.AddSeconds(30));
        // Each stream is known to be open on the node once a message went through it.
        await open1.RequestStream.WriteAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFromUtf8("x") });
        await open2.RequestStream.WriteAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFromUtf8("x") });

        var third = await Assert.ThrowsAsync<RpcException>(async () =>
            await api.GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2)));
        var served = await LimitedNode.Api(other).GetStatusAsync(new GetStatusRequest(), deadline: Soon);

        Assert.That(third!.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded), "a third stream waited for a free slot");
        Assert.That(served.Height, Is.Zero);
        await open1.RequestStream.CompleteAsync();
        var answer = await open1.ResponseAsync;
        Assert.That(answer.Results, Has.Count.EqualTo(1), "the open streams themselves were served");
    }

    [Test]
    public async Task Submissions_past_the_per_address_rate_are_refused_with_ResourceExhausted_while_another_address_is_served()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["submit_rate_per_second"] = 1, ["submit_burst"] = 3 });
        using var local = LimitedNode.Channel(net, IPAddress.Loopback);
        using var other = LimitedNode.Channel(net, LimitedNode.Other);
        var junk = new SubmitTransactionRequest { Envelope = ByteString.CopyFromUtf8("not an envelope") };

        var codes = new List<StatusCode>();
        RpcException? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await Assert.ThrowsAsync<RpcException>(async () => await LimitedNode.Api(local).SubmitTransactionAsync(junk, deadline: Soon));
            codes.Add(last!.StatusCode);
        }

        var otherAddress = await Assert.ThrowsAsync<RpcException>(async () => await LimitedNode.Api(other).SubmitTransactionAsync(junk, deadline: Soon));
        var batch = await Assert.ThrowsAsync<RpcException>(async () => await LimitedNode.Api(other).SubmitBatchAsync(
            new SubmitBatchRequest { Envelopes = { Enumerable.Repeat(junk.Envelope, 5) } }, deadline: Soon));

        // The first three reach the rules (a malformed envelope); the fourth is refused before anything is checked.
        Assert.That(codes, Is.EqualTo(new[] { StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.ResourceExhausted }));
        Assert.That(last!.Status.Detail, Does.Contain("Too many transactions from 127.0.0.1").And.Contain("retry later"));
        Assert.That(last.Trailers.GetValue("retry-after-ms"), Is.EqualTo("1000"), "one token a second");
        Assert.That(otherAddress!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument), "127.0.0.2 has its own bucket");
        Assert.That(batch!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(batch.Status.Detail, Does.Contain("5 transactions in one call are more than this node takes from one address at once (3)"));
        Assert.That(batch.Trailers.GetValue("retry-after-ms"), Is.Null, "waiting would not help");
    }

    [Test]
    public async Task A_submit_stream_past_the_rate_is_ended_with_ResourceExhausted_saying_why()
    {
        await using var net = await LimitedNode.StartAsync(new JsonObject { ["submit_rate_per_second"] = 1, ["submit_burst"] = 3 });
        using var channel = GrpcChannel.ForAddress(net.Url(0));
        using var call = LimitedNode.Api(channel).SubmitStream(deadline: Soon);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await call.RequestStream.WriteAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFromUtf8($"junk {i}") });
            }

            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        });

        var status = call.GetStatus();
        Assert.That(status.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted), () => $"{error}");
        Assert.That(status.Detail, Does.Contain("Too many transactions"));
    }
}
