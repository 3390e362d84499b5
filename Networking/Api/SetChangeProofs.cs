using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Governance;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Networking.Api;

/// <summary>
/// The certified headers that announced each change of validators in force at a height, oldest first: what a verifier
/// holding only the genesis file walks (<see cref="SetChangeWalk"/>) to learn the set that certified a block. Served in
/// receipts and to syncing peers (GetSetChanges), from the governance records and the approving blocks this node holds.
/// </summary>
public static class SetChangeProofs
{
    /// <summary>
    /// The proofs of the changes in force at <paramref name="height"/>, leaving out the first <paramref name="skip"/> and
    /// taking at most <paramref name="max"/> (<c>More</c> says whether others follow); or the height of an approving block
    /// this node does not hold (<c>Missing</c>: a node that started from a snapshot has no blocks before it).
    /// </summary>
    /// <exception cref="InvalidDataException">A stored block does not parse.</exception>
    public static SetChangeList UpTo(ChainStore store, ulong height, ulong skip = 0, int max = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(store);
        var proofs = new List<SetChangeProof>();
        var sets = GovernanceState.Head(store).ValidatorSets;
        for (var number = skip + 1; number <= sets; number++)
        {
            var record = GovernanceState.ValidatorSet(store, number);
            if (record.ActivationHeight > height)
            {
                break;
            }

            if (proofs.Count == max)
            {
                return new SetChangeList(proofs, More: true, Missing: null);
            }

            var approvedAt = record.ActivationHeight - GovernanceRules.ActivationDelay;
            if (store.GetBlockBytes(approvedAt) is not { } bytes)
            {
                return new SetChangeList(proofs, More: false, Missing: approvedAt);
            }

            var parsed = BlockCodec.Parse(bytes);
            if (!parsed.IsOk)
            {
                throw new InvalidDataException($"The stored block {approvedAt} does not parse: {parsed.Rejection.Message}");
            }

            proofs.Add(new SetChangeProof { Header = parsed.Value.Block.Header, Certificate = parsed.Value.Block.Certificate });
        }

        return new SetChangeList(proofs, More: false, Missing: null);
    }
}

/// <summary>Proofs of changes of validators, whether more follow, and the approving block this node lacks, if any.</summary>
public sealed record SetChangeList(List<SetChangeProof> Proofs, bool More, ulong? Missing);
