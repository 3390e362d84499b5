using Grpc.Core;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Integration.Tests.Verify;
using VoteChain.Networking.Api;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// What must hold on the honest nodes whatever a dishonest validator sent. Each check returns problems as sentences,
/// so one failing test shows every way the chain went wrong, not only the first.
/// </summary>
internal static class HonestChainChecks
{
    /// <summary>
    /// Every honest node stores the same block body (header and transactions, certificate aside) at every height they
    /// all have, each body is the one its header commits to (the Merkle root of its transactions is the header's
    /// tx_root), and every given transaction is in each node's chain. Identical bodies alone are not enough: a swap
    /// that reaches every node leaves them identical and wrong.
    /// </summary>
    public static async Task<List<string>> ChainProblemsAsync(HonestNodes nodes, IEnumerable<byte[]> committed)
    {
        var problems = new List<string>();
        var stored = nodes.Apis.Select(_ => new HashSet<string>()).ToList();
        var top = await nodes.LowestHeightAsync().ConfigureAwait(false);
        for (ulong height = 1; height <= top; height++)
        {
            var blocks = await Task.WhenAll(nodes.Apis.Select(api => BlockAsync(api, height))).ConfigureAwait(false);
            var first = BlockCodec.WithoutCertificate(blocks[0]);
            for (var i = 0; i < blocks.Length; i++)
            {
                var ids = blocks[i].Transactions.Select(t => Hashing.Sha256(t.Span)).ToList();
                stored[i].UnionWith(ids.Select(Convert.ToHexStringLower));
                if (!MerkleTree.Root(ids).AsSpan().SequenceEqual(BlockHeader.Parser.ParseFrom(blocks[i].Header).TxRoot.Span))
                {
                    problems.Add($"block {height}: node{nodes.Slots[i]} stores transactions [{TxIds(blocks[i])}] that its header's tx_root does not cover");
                }

                if (i > 0 && !BlockCodec.WithoutCertificate(blocks[i]).AsSpan().SequenceEqual(first))
                {
                    problems.Add($"block {height}: node{nodes.Slots[i]} stores transactions [{TxIds(blocks[i])}], " +
                        $"node{nodes.Slots[0]} stores [{TxIds(blocks[0])}]");
                }
            }
        }

        foreach (var txId in committed.Select(e => Hashing.Sha256(e)))
        {
            problems.AddRange(stored.Select((ids, i) => (ids, i)).Where(n => !n.ids.Contains(Convert.ToHexStringLower(txId)))
                .Select(n => $"node{nodes.Slots[n.i]}: the counted vote {Short(txId)} is in none of its blocks 1..{top}"));
        }

        return problems;
    }

    /// <summary>Each honest node serves a receipt for every given transaction, and each verifies offline against genesis.</summary>
    public static async Task<List<string>> ReceiptProblemsAsync(HonestNodes nodes, string genesisPath, IEnumerable<byte[]> envelopes)
    {
        var genesis = GenesisFile.Load(genesisPath);
        var verifier = new ReceiptVerifier(ValidatorSet.From(genesis), genesis.ChainId);
        var problems = new List<string>();
        foreach (var envelope in envelopes)
        {
            var txId = Hashing.Sha256(envelope);
            for (var i = 0; i < nodes.Apis.Count; i++)
            {
                try
                {
                    var receipt = await nodes.Apis[i].GetReceiptAsync(new GetReceiptRequest { TxId = NetworkTests.Bytes(txId) }).ConfigureAwait(false);
                    if (verifier.Problem(receipt) is { } problem)
                    {
                        problems.Add($"node{nodes.Slots[i]}, receipt of {Short(txId)} (block {receipt.Height}): {problem}");
                    }
                }
                catch (RpcException e)
                {
                    problems.Add($"node{nodes.Slots[i]}, receipt of {Short(txId)}: {e.StatusCode} {e.Status.Detail}");
                }
            }
        }

        return problems;
    }

    /// <summary><c>votechain audit</c> (replay from genesis, recount, compare with the node) passes against each honest node.</summary>
    public static async Task<List<string>> AuditProblemsAsync(TestNetwork net, HonestNodes nodes)
    {
        var problems = new List<string>();
        foreach (var slot in nodes.Slots)
        {
            var run = await CliRun.RunAsync("audit", "--genesis", net.GenesisPath(slot), "--node", net.Url(slot), "--json").ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                problems.Add($"node{slot}: audit exited {run.ExitCode}: {run.Error.Trim()}");
            }
        }

        return problems;
    }

    /// <summary>The view of each commit certificate on the first honest node, by height.</summary>
    public static async Task<List<(ulong Height, ulong View)>> CertificateViewsAsync(HonestNodes nodes)
    {
        var views = new List<(ulong, ulong)>();
        var top = await nodes.LowestHeightAsync().ConfigureAwait(false);
        for (ulong height = 1; height <= top; height++)
        {
            var block = await BlockAsync(nodes.Apis[0], height).ConfigureAwait(false);
            views.Add((height, block.Certificate.View));
        }

        return views;
    }

    /// <summary>At most a few problems per check in a failure message, with the count of the rest.</summary>
    public static string Summary(IReadOnlyList<string> problems, int shown = 6) =>
        string.Join("\n  ", problems.Take(shown)) + (problems.Count > shown ? $"\n  ... and {problems.Count - shown} more" : "");

    private static async Task<Block> BlockAsync(VoteChainApi.VoteChainApiClient api, ulong height)
    {
        var response = await api.GetBlockAsync(new GetBlockRequest { Height = height }).ConfigureAwait(false);
        return Block.Parser.ParseFrom(response.Block);
    }

    private static string TxIds(Block block) => string.Join(" ", block.Transactions.Select(t => Short(Hashing.Sha256(t.Span))));

    private static string Short(byte[] id) => Convert.ToHexStringLower(id.AsSpan(0, 4));
}
