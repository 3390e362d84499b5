using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace VoteChain.Integration.Tests;

/// <summary>What operators and tools expect of any gRPC server: health checks and reflection.</summary>
public sealed class HostingTests
{
    [Test]
    public async Task A_node_answers_health_checks_and_lists_its_services_by_reflection()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAllAsync();
        using var channel = GrpcChannel.ForAddress(net.Url(0));

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));

        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.That(await reflection.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.That(services, Does.Contain("votechain.v1.VoteChainApi").And.Contain("votechain.v1.PeerService"));
    }

    [Test]
    public async Task A_stopping_node_ends_open_block_streams_promptly()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0);
        await net.StartAllAsync();
        var api = net.Api(0);
        using var stream = api.StreamBlocks(new Protos.V1.StreamBlocksRequest { FromHeight = 1 });
        await NetworkTests.Submit(api, Payloads.CreateElection(net.Authority, "e"));
        Assert.That(await stream.ResponseStream.MoveNext(CancellationToken.None), Is.True, "the stream delivers block 1");
        var reading = stream.ResponseStream.MoveNext(CancellationToken.None);

        await net.StopAsync(0);

        // Ended by the node (a clean end of stream), not cut off when the shutdown timeout ran out (an error).
        Assert.That(await reading, Is.False, () => $"the stream ended cleanly, but delivered block {stream.ResponseStream.Current.Height}");
    }
}
