using Grpc.Core;
using VoteChain.Consensus.Audit;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// Feeds the node's committed blocks to the auditor over one StreamBlocks call (one round trip for the whole chain,
/// not one per block), stopping at a target height or at the first block that fails.
/// </summary>
internal static class ChainDownload
{
    /// <summary>How long the node may stay silent before the download gives up.</summary>
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(30);

    /// <summary>Problems of the first failing block, or empty when every block up to <paramref name="target"/> passed.</summary>
    public static IReadOnlyList<string> To(NodeClient client, ChainAuditor auditor, ulong target, Action<ulong> progress)
    {
        if (auditor.Height >= target)
        {
            return [];
        }

        using var cancel = new CancellationTokenSource();
        using var call = client.Api.StreamBlocks(new StreamBlocksRequest { FromHeight = auditor.Height + 1 }, cancellationToken: cancel.Token);
        try
        {
            while (auditor.Height < target)
            {
                cancel.CancelAfter(Silence);
                if (!call.ResponseStream.MoveNext(cancel.Token).GetAwaiter().GetResult())
                {
                    throw new UserInputException($"the node's block stream ended at height {auditor.Height}, before its head {target}");
                }

                var problems = auditor.Add(call.ResponseStream.Current.Block.Span);
                if (problems.Count > 0)
                {
                    return problems;
                }

                progress(auditor.Height);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancel.IsCancellationRequested)
        {
            throw new UserInputException($"the node sent no block for {Silence.TotalSeconds:F0} s after height {auditor.Height}", e);
        }
        catch (RpcException e)
        {
            throw client.Explain(e, "block stream");
        }

        return [];
    }
}
