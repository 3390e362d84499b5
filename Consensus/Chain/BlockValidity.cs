using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// The one home of a block's validity apart from the voting rules: structure (this chain, the next height, the
/// parent), limits (transaction count and bytes), the body against its header (the transactions hash to the
/// header's tx root, so the header hash commits to the whole block) and the block time. The engine, the proposal
/// judge, block sync and the auditor all call these; each returns null when the block passes, else a sentence.
/// </summary>
public static class BlockValidity
{
    /// <summary>
    /// Null when the block is for this chain, at <paramref name="height"/>, follows <paramref name="previousHash"/>
    /// and names a proposer among <paramref name="validatorCount"/> validators.
    /// </summary>
    public static string? StructureProblem(BlockHeader header, string chainId, ulong height, ReadOnlySpan<byte> previousHash,
        int validatorCount)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.ChainId != chainId)
        {
            return $"the block is for chain '{Transactions.TxDecoder.Printable(header.ChainId)}', not '{chainId}'";
        }

        if (header.Height != height)
        {
            return $"the block is for height {header.Height}, not {height}";
        }

        if (!header.PreviousHash.Span.SequenceEqual(previousHash))
        {
            return height == 1
                ? "the previous hash is not the genesis hash"
                : $"the previous hash is not the hash of block {height - 1}";
        }

        if (header.ProposerIndex >= (uint)validatorCount)
        {
            return $"the proposer index {header.ProposerIndex} is not a validator";
        }

        return header.ValidatorChange is { } change ? ValidatorChangeProblem(change, height) : null;
    }

    /// <summary>
    /// The shape of a header's validator change, before anything uses it: the activation the rules always give, and a
    /// set a <see cref="Pbft.ValidatorSet"/> can be made of. Whether it is the change the block really approved is the
    /// replay's question (<see cref="BlockReplay"/>).
    /// </summary>
    public static string? ValidatorChangeProblem(ValidatorChange change, ulong height)
    {
        if (change.ActivationHeight != height + Governance.GovernanceRules.ActivationDelay)
        {
            return $"the validator change takes effect at height {change.ActivationHeight}, not {height + Governance.GovernanceRules.ActivationDelay}";
        }

        if (change.PublicKeys.Count is 0 or > Governance.GovernanceChecks.MaxValidators
            || change.PublicKeys.Any(k => k.Length != Crypto.Ed25519.PublicKeySize)
            || change.PublicKeys.Distinct().Count() != change.PublicKeys.Count)
        {
            return $"the validator change must name 1 to {Governance.GovernanceChecks.MaxValidators} distinct 32-byte keys";
        }

        return null;
    }

    /// <summary>
    /// Null when the block is within the limits and its transactions are exactly the ones its header commits to:
    /// as many as it counts, hashing to its tx root. Sizes are checked before anything is hashed.
    /// </summary>
    public static string? BodyProblem(ParsedBlock block, BlockLimits limits)
    {
        if (LimitsProblem(block, limits) is { } limit)
        {
            return limit;
        }

        var ids = new List<byte[]>(block.Block.Transactions.Count);
        foreach (var transaction in block.Block.Transactions)
        {
            ids.Add(Hashing.Sha256(transaction.Span));
        }

        return MerkleTree.Root(ids).AsSpan().SequenceEqual(block.Header.TxRoot.Span) ? null : TxRootMismatch;
    }

    /// <summary>What <see cref="BodyProblem"/> (and the replay, which hashes the transactions it decodes) say when the
    /// transactions are not the ones the header commits to.</summary>
    public const string TxRootMismatch = "the transactions do not hash to the header's tx root";

    /// <summary>
    /// The part of <see cref="BodyProblem"/> that hashes nothing: transaction count and serialized size within the
    /// limits, and the count the header states. For callers that bind the body to the tx root in a pass of their own.
    /// </summary>
    public static string? LimitsProblem(ParsedBlock block, BlockLimits limits)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(limits);
        var transactions = block.Block.Transactions;
        if (transactions.Count > limits.MaxTxs)
        {
            return $"the block holds {transactions.Count} transactions; the chain allows {limits.MaxTxs}";
        }

        var size = BlockCodec.ContentSize(block.Block);
        if (size > limits.MaxBytes)
        {
            return $"the block is {size} bytes; the chain allows {limits.MaxBytes}";
        }

        return block.Header.TxCount == (uint)transactions.Count
            ? null
            : $"the header counts {block.Header.TxCount} transactions but the block holds {transactions.Count}";
    }

    /// <summary>
    /// Null when the block time is after its parent's and, for a fresh proposal (<paramref name="nowMs"/> given),
    /// within the drift of the judging validator's clock on either side. The lower bound is what stops a proposer
    /// from backdating a block into an election window that has closed; certified blocks (sync, audit, a block
    /// re-proposed after a view change) were judged fresh by a quorum when first prepared, so only the parent's
    /// time binds them.
    /// </summary>
    public static string? TimeProblem(long timeUnixMs, long parentTimeUnixMs, long? nowMs, long maxDriftMs)
    {
        if (timeUnixMs <= parentTimeUnixMs)
        {
            return "the block time is not after its parent's";
        }

        if (nowMs is not { } now)
        {
            return null;
        }

        if (timeUnixMs > now + maxDriftMs)
        {
            return $"the block time is {timeUnixMs - now} ms ahead of this validator's clock; at most {maxDriftMs} ms is allowed";
        }

        return timeUnixMs < now - maxDriftMs
            ? $"the block time is {now - timeUnixMs} ms behind this validator's clock; at most {maxDriftMs} ms is allowed"
            : null;
    }
}

/// <summary>A chain's block limits and clock drift bound, from its consensus parameters.</summary>
public sealed record BlockLimits(uint MaxTxs, uint MaxBytes, long MaxClockDriftMs)
{
    public static BlockLimits From(ConsensusParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new BlockLimits(parameters.MaxBlockTxs, parameters.MaxBlockBytes, parameters.MaxClockDriftMs);
    }

    /// <summary>
    /// The limits that bind the block at <paramref name="height"/>: genesis's until a governance change of parameters
    /// takes effect, then that change's (docs/GOVERNANCE.md). <paramref name="state"/> is the state the block is applied
    /// to; a change in force at <paramref name="height"/> was approved at least three blocks earlier, so it holds it.
    /// </summary>
    public static BlockLimits At(State.IStateReader state, Rules.RuleContext chain, ulong height) =>
        From(Governance.GovernanceState.ParamsAt(state, chain, height));
}
