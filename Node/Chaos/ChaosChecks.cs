using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Chaos;

/// <summary>
/// What a chaos run must show at its end, each judged from what the nodes serve: they all reached one height, they
/// agree on every block below it, no node recorded a validator signing twice, and every acknowledged vote has a
/// receipt that verifies against the genesis validators alone.
/// </summary>
internal sealed class ChaosChecks(ChaosNetwork network, Protos.V1.Genesis genesis)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits until every node answers with the same height; returns it, or null after <paramref name="timeout"/>.</summary>
    public async Task<ulong?> ConvergeAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var heights = await Task.WhenAll(Enumerable.Range(0, network.Count).Select(n => network.HeightAsync(n, cancellation))).ConfigureAwait(false);
            if (heights.All(h => h is not null) && heights.Distinct().Count() == 1)
            {
                return heights[0];
            }

            await Task.Delay(Poll, cancellation).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Heights 1..<paramref name="height"/> at which the nodes do not all serve the same block hash.</summary>
    public async Task<List<ulong>> ForksAsync(ulong height, CancellationToken cancellation)
    {
        var forks = new List<ulong>();
        for (ulong h = 1; h <= height; h++)
        {
            var hashes = await Task.WhenAll(network.Api.Select(async api =>
                Convert.ToHexStringLower((await api.GetBlockAsync(new GetBlockRequest { Height = h }, deadline: ChaosNetwork.Deadline(),
                    cancellationToken: cancellation)).BlockHash.Span))).ConfigureAwait(false);
            if (hashes.Distinct(StringComparer.Ordinal).Count() > 1)
            {
                forks.Add(h);
            }
        }

        return forks;
    }

    /// <summary>Distinct equivocation evidence records over all nodes: each is a validator caught signing twice.</summary>
    public async Task<IReadOnlyList<EvidenceRecord>> DoubleSignsAsync(CancellationToken cancellation)
    {
        var answers = await Task.WhenAll(network.Api.Select(async api =>
            await api.ListEvidenceAsync(new ListEvidenceRequest { Limit = 1_000 }, deadline: ChaosNetwork.Deadline(), cancellationToken: cancellation))).ConfigureAwait(false);
        return [.. answers.SelectMany(a => a.Records).DistinctBy(r => Convert.ToHexStringLower(r.Id.Span))];
    }

    /// <summary>
    /// Acknowledged votes that are not in the chain where they were seen: asked of the nodes in turn, each receipt must
    /// verify offline (<see cref="ReceiptVerifier"/>) and put the vote at the height it was acknowledged at.
    /// </summary>
    public async Task<IReadOnlyList<string>> LostAsync(IReadOnlyDictionary<string, ulong> acked, CancellationToken cancellation)
    {
        var verifier = new ReceiptVerifier(ValidatorSet.From(genesis), genesis.ChainId);
        var lost = new ConcurrentBag<string>();
        var work = acked.Select((vote, i) => (vote.Key, vote.Value, Node: i % network.Count));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation }, async (vote, ct) =>
        {
            try
            {
                var receipt = await network.Api[vote.Node].GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(Convert.FromHexString(vote.Key)) },
                    deadline: ChaosNetwork.Deadline(), cancellationToken: ct).ConfigureAwait(false);
                var problem = verifier.Problem(receipt)
                    ?? (receipt.Height != vote.Value ? $"its receipt puts it at height {receipt.Height}, it was acknowledged at {vote.Value}" : null);
                if (problem is not null)
                {
                    lost.Add($"{vote.Key} ({network.Layout.Name(vote.Node)}): {problem}");
                }
            }
            catch (RpcException e)
            {
                lost.Add($"{vote.Key} ({network.Layout.Name(vote.Node)}): {e.Status.Detail}");
            }
        }).ConfigureAwait(false);
        return [.. lost];
    }
}
