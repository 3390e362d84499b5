using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// Learns the validator sets in force up to a height as a light client does, trusting no node: from the genesis set,
/// through each change of set a certified header announced, each header checked against the set in force at its own
/// height, known from the changes before it (docs/GOVERNANCE.md). The one home of that walk: a receipt's verifier
/// (<see cref="ReceiptVerifier"/>) and state sync (the set that certified a snapshot's block) both take it. Pure.
/// </summary>
public static class SetChangeWalk
{
    /// <summary>
    /// Null when <paramref name="changes"/> (oldest first) verify one after the other and each takes effect by
    /// <paramref name="height"/>; <paramref name="schedule"/> then holds the sets they lead to. Leaving a change out makes
    /// the certificate of a block after it fail later: it was signed by a set the walk never reached.
    /// </summary>
    /// <param name="block">How the block at <paramref name="height"/> is named in a problem ("the receipt's block").</param>
    public static string? Problem(ValidatorSet genesis, string chainId, IReadOnlyList<SetChangeProof> changes, ulong height,
        string block, out ValidatorSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(changes);
        schedule = new ValidatorSchedule(genesis);
        var inForceFrom = 1UL;
        for (var i = 0; i < changes.Count; i++)
        {
            var proof = changes[i];
            BlockHeader header;
            try
            {
                header = BlockHeader.Parser.ParseFrom(proof.Header);
            }
            catch (InvalidProtocolBufferException)
            {
                return $"Set change {i + 1} is not a valid block header.";
            }

            var hash = Hashing.Sha256(proof.Header.Span);
            var change = header.ValidatorChange;
            var problem = header.ChainId != chainId ? $"it is for chain '{header.ChainId}'"
                : change is null ? "its header announces no change of validators"
                : header.Height < inForceFrom ? $"it is at height {header.Height}, before the change it follows took effect at {inForceFrom}"
                : Consensus.Chain.BlockValidity.ValidatorChangeProblem(change, header.Height)
                    ?? (change.ActivationHeight > height ? $"it takes effect at height {change.ActivationHeight}, after {block}" : null)
                    ?? CommitCertificates.Problem(proof.Certificate, schedule.At(header.Height), chainId, header.Height, hash);
            if (problem is not null)
            {
                return $"Set change {i + 1} does not verify: {problem}.";
            }

            schedule.Add(change!);
            inForceFrom = change!.ActivationHeight;
        }

        return null;
    }
}
