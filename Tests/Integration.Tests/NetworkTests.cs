using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>Four validators and an observer on loopback: votes from anywhere commit everywhere, identically.</summary>
public sealed class NetworkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Votes_submitted_to_different_nodes_commit_with_identical_blocks_and_tallies_everywhere()
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 1);
        await net.StartAllAsync();
        var apis = Enumerable.Range(0, net.Count).Select(net.Api).ToList();
        var voters = Enumerable.Range(0, 24).Select(_ => Ed25519KeyPair.Generate()).ToList();

        await apis[0].SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = Bytes(Payloads.CreateElection(net.Authority, "city")) });
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "city")) is not null, "the election everywhere");
        await apis[1].SubmitTransactionAsync(new SubmitTransactionRequest
        {
            Envelope = Bytes(Payloads.Register(net.Authority, "city", voters.Select(v => v.PublicKey))),
        });
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "city"))?.Tally.RegisteredCredentials == 24, "24 registered voters");

        for (var i = 0; i < voters.Count; i++)
        {
            var response = await apis[i % 4].SubmitTransactionAsync(new SubmitTransactionRequest
            {
                Envelope = Bytes(Payloads.Vote(voters[i], "city", (uint)(i % 3))),
            });
            Assert.That(response.TxId.Length, Is.EqualTo(32));
        }

        await AllSeeAsync(apis, async api => (await TallyAsync(api, "city"))?.Tally.CountedBallots == 24, "24 counted votes on every node");
        var tallies = await Task.WhenAll(apis.Select(api => TallyAsync(api, "city")));
        Assert.That(tallies.Select(t => t!.Tally), Is.All.EqualTo(tallies[0]!.Tally));
        Assert.That(tallies[0]!.Tally.OptionWeights, Is.EqualTo(new ulong[] { 8, 8, 8 }));

        var heights = await Task.WhenAll(apis.Select(async api => (await api.GetStatusAsync(new GetStatusRequest())).Height));
        for (ulong h = 1; h <= heights.Min(); h++)
        {
            var hashes = await Task.WhenAll(apis.Select(async api => (await api.GetBlockAsync(new GetBlockRequest { Height = h })).BlockHash));
            Assert.That(hashes, Is.All.EqualTo(hashes[0]), $"block {h} differs between nodes");
        }

        var observer = await apis[4].GetStatusAsync(new GetStatusRequest());
        Assert.That(observer.Role, Is.EqualTo("observer"));
        voters.ForEach(v => v.Dispose());
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task One_credential_voting_twice_at_once_on_two_nodes_counts_once_everywhere(bool allowRevote)
    {
        await using var net = TestNetwork.Create(validators: 4, observers: 0);
        await net.StartAllAsync();
        var apis = Enumerable.Range(0, net.Count).Select(net.Api).ToList();
        using var voter = Ed25519KeyPair.Generate();
        await apis[0].SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = Bytes(Payloads.CreateElection(net.Authority, "e", allowRevote: allowRevote)) });
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "e")) is not null, "the election");
        await apis[0].SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = Bytes(Payloads.Register(net.Authority, "e", [voter.PublicKey])) });
        await AllSeeAsync(apis, async api => (await TallyAsync(api, "e"))?.Tally.RegisteredCredentials == 1, "the registration");

        // Two different votes of one credential reach two nodes at the same moment.
        var first = Submit(apis[1], Payloads.Vote(voter, "e", option: 0, sequence: 1));
        var second = Submit(apis[2], Payloads.Vote(voter, "e", option: 2, sequence: 2));
        await Task.WhenAll(first, second);

        await AllSeeAsync(apis, async api => (await TallyAsync(api, "e"))?.Tally.CountedBallots == 1, "one counted ballot");
        if (allowRevote)
        {
            // The higher sequence wins wherever it landed: either it replaced the first or the first became stale.
            await AllSeeAsync(apis, async api => (await TallyAsync(api, "e"))?.Tally.OptionWeights[2] == 1, "the revote counted");
        }

        var tallies = await Task.WhenAll(apis.Select(api => TallyAsync(api, "e")));
        Assert.That(tallies.Select(t => t!.Tally), Is.All.EqualTo(tallies[0]!.Tally));
        Assert.That(tallies[0]!.Tally.OptionWeights.Sum(w => (long)w), Is.EqualTo(1));
    }

    internal static async Task<SubmitResult> Submit(VoteChainApi.VoteChainApiClient api, byte[] envelope)
    {
        try
        {
            var response = await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = Bytes(envelope) });
            return new SubmitResult { TxId = response.TxId };
        }
        catch (RpcException e)
        {
            return new SubmitResult { Message = e.Status.Detail };
        }
    }

    internal static Google.Protobuf.ByteString Bytes(byte[] bytes) => Google.Protobuf.ByteString.CopyFrom(bytes);

    internal static async Task<TallyResponse?> TallyAsync(VoteChainApi.VoteChainApiClient api, string election)
    {
        try
        {
            return await api.GetTallyAsync(new GetTallyRequest { ElectionId = election });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    internal static Task AllSeeAsync(IEnumerable<VoteChainApi.VoteChainApiClient> apis, Func<VoteChainApi.VoteChainApiClient, Task<bool>> condition,
        string what) =>
        Eventually.HoldsAsync(async () => (await Task.WhenAll(apis.Select(condition))).All(ok => ok), Patience, () => what);
}
