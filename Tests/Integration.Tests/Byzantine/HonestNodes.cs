using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// The honest validators' public APIs, seen together: waits for facts about all of them at once and remembers what
/// it last read (heights, views, tallies) so that a timeout says where the chain was stuck, and the highest view any of
/// them reported.
/// </summary>
/// <param name="note">What else a timeout message should say (read when it is written).</param>
internal sealed class HonestNodes(TestNetwork net, IReadOnlyList<int> slots, Func<string> note)
{
    private readonly List<VoteChainApi.VoteChainApiClient> _apis = slots.Select(net.Api).ToList();
    private string _last = "nothing read yet";

    /// <summary>Starts the honest validators (a dishonest peer may already hold another slot's port), creates the
    /// election and registers the voters, and waits until every one of them has both.</summary>
    public static async Task<HonestNodes> StartAsync(TestNetwork net, IReadOnlyList<int> slots, string election,
        IReadOnlyList<Ed25519KeyPair> voters, DateTime deadline, Func<string> note)
    {
        foreach (var slot in slots)
        {
            await net.StartAsync(slot).ConfigureAwait(false);
        }

        var nodes = new HonestNodes(net, slots, note);
        await nodes.SubmitAsync(0, Payloads.CreateElection(net.Authority, election)).ConfigureAwait(false);
        await nodes.TallyHoldsAsync(election, _ => true, deadline, "the election").ConfigureAwait(false);
        await nodes.SubmitAsync(1, Payloads.Register(net.Authority, election, voters.Select(v => v.PublicKey))).ConfigureAwait(false);
        await nodes.TallyHoldsAsync(election, t => t.RegisteredCredentials == (ulong)voters.Count, deadline, "the registrations")
            .ConfigureAwait(false);
        return nodes;
    }

    public IReadOnlyList<int> Slots => slots;

    public IReadOnlyList<VoteChainApi.VoteChainApiClient> Apis => _apis;

    /// <summary>The highest view any honest node reported while this watched.</summary>
    public ulong HighestView { get; private set; }

    public VoteChainApi.VoteChainApiClient Api(int i) => _apis[i % _apis.Count];

    /// <summary>Submits one envelope; fails the test when the node refuses it.</summary>
    public async Task SubmitAsync(int i, byte[] envelope)
    {
        var result = await NetworkTests.Submit(Api(i), envelope).ConfigureAwait(false);
        Assert.That(result.TxId.Length, Is.EqualTo(32), $"node{slots[i % slots.Count]} refused a transaction: {result.Message}");
    }

    /// <summary>Waits until every honest node's tally of <paramref name="election"/> satisfies the condition.</summary>
    public Task TallyHoldsAsync(string election, Func<TallyRecord, bool> condition, DateTime deadline, string what) =>
        Eventually.HoldsAsync(async () => await ReadAsync(election).ConfigureAwait(false) is { } tallies && tallies.All(condition),
            Remaining(deadline), () => $"{what} on every honest node (last read: {_last}; {note()})");

    public async Task<ulong> LowestHeightAsync()
    {
        var statuses = await Task.WhenAll(_apis.Select(a => a.GetStatusAsync(new GetStatusRequest()).ResponseAsync)).ConfigureAwait(false);
        return statuses.Min(s => s.Height);
    }

    /// <summary>Every node's tally, or null while any node has not seen the election.</summary>
    private async Task<TallyRecord[]?> ReadAsync(string election)
    {
        var statuses = await Task.WhenAll(_apis.Select(a => a.GetStatusAsync(new GetStatusRequest()).ResponseAsync)).ConfigureAwait(false);
        var tallies = await Task.WhenAll(_apis.Select(a => TallyOrNullAsync(a, election))).ConfigureAwait(false);
        HighestView = Math.Max(HighestView, statuses.Max(s => s.View));
        _last = string.Join("; ", statuses.Select((s, i) =>
            $"node{slots[i]} height {s.Height} view {s.View} counted {tallies[i]?.CountedBallots.ToString() ?? "-"}"));
        return tallies.Any(t => t is null) ? null : tallies.Select(t => t!).ToArray();
    }

    private static async Task<TallyRecord?> TallyOrNullAsync(VoteChainApi.VoteChainApiClient api, string election)
    {
        try
        {
            return (await api.GetTallyAsync(new GetTallyRequest { ElectionId = election }).ConfigureAwait(false)).Tally;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
