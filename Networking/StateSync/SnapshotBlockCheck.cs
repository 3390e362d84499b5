using System.Security.Cryptography;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.StateSync;

/// <summary>
/// Whether a block a peer served is the certified block a snapshot's manifest is of: this chain's, at the manifest's
/// height, its body the one its header commits to, its hash the manifest's block hash, its state root the manifest's,
/// and its commit certificate signed by a quorum of the set in force at that height. What binds the snapshot's records to
/// the chain is then the restore's rebuilt tree, whose root must be that state root. Pure: no I/O.
/// </summary>
public static class SnapshotBlockCheck
{
    /// <summary>
    /// The body is judged against its header only: the limits in force at the height may be governance's, which a node
    /// without state does not know, and a quorum that certified the block judged them. The answer it came in is bounded.
    /// </summary>
    private static readonly BlockLimits AnyLimits = new(uint.MaxValue, uint.MaxValue, 0);

    /// <summary>Null, with the parsed block, when <paramref name="blockBytes"/> is the manifest's block by everything but its certificate.</summary>
    public static string? Problem(SnapshotManifest manifest, byte[] blockBytes, string chainId, out ParsedBlock? block)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        block = null;
        var parsed = BlockCodec.Parse(blockBytes);
        if (!parsed.IsOk)
        {
            return $"the block at height {manifest.Height} does not parse: {parsed.Rejection.Message}";
        }

        var header = parsed.Value.Header;
        var problem = header.ChainId != chainId ? $"the block is for another chain than '{chainId}'"
            : header.Height != manifest.Height ? $"the block is at height {header.Height}, not the snapshot's {manifest.Height}"
            : !CryptographicOperations.FixedTimeEquals(parsed.Value.Hash, manifest.BlockHash.Span) ? $"block {header.Height}'s hash is not the snapshot's block hash"
            : !CryptographicOperations.FixedTimeEquals(header.StateRoot.Span, manifest.StateRoot.Span) ? $"block {header.Height}'s state root is not the snapshot's"
            : BlockValidity.BodyProblem(parsed.Value, AnyLimits) is { } body ? $"block {header.Height}: {body}"
            : null;
        if (problem is null)
        {
            block = parsed.Value;
        }

        return problem;
    }

    /// <summary>Null when the block's commit certificate is a quorum of <paramref name="validators"/>, the set in force at its height.</summary>
    public static string? CertificateProblem(ParsedBlock block, ValidatorSet validators, string chainId)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(validators);
        var height = block.Header.Height;
        return CommitCertificates.Problem(block.Block.Certificate, validators, chainId, height, block.Hash) is { } problem
            ? $"block {height}'s commit certificate does not verify: {problem}"
            : null;
    }
}
