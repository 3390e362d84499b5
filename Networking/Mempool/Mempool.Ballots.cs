using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Networking.Mempool;

/// <remarks>This file: encrypted ballots, whose proofs cost far more than a signature: each credential's budget of
/// ballot checks between two commits, and the proofs verified on every core before the rules run.</remarks>
public sealed partial class Mempool
{
    /// <summary>
    /// Encrypted ballots a credential may have checked between two commits, whatever the verdict: a vote and one
    /// replacement. A ballot's proofs cost about 1 ms (up to some 130 ms for 256 approval options) and a voter can sign
    /// any number of distinct ballots (stale sequences, revotes, false proofs); without this budget one voter could make
    /// every node verify without end. A ballot over it is refused before any check, with a passing code.
    /// </summary>
    public const int BallotChecksPerCredentialPerBlock = 2;

    /// <summary>Takes each encrypted ballot's place in its credential's budget; true where the budget is spent.</summary>
    private bool[] TakeBallotBudget(Outcome<VerifiedTx>[] decoded)
    {
        var overBudget = new bool[decoded.Length];
        lock (_gate)
        {
            for (var i = 0; i < decoded.Length; i++)
            {
                if (!decoded[i].IsOk || !ProofPreparation.Applies(decoded[i].Value!) || CredentialKeys.PendingVote(decoded[i].Value!) is not { } key)
                {
                    continue;
                }

                // Only registered credentials get an entry (anyone can make keys; the rules refuse the others before
                // any proof), so the budget holds at most the roll between two commits.
                var tx = decoded[i].Value!;
                if (!ElectionIds.IsValid(tx.Payload.CastEncryptedVote.ElectionId)
                    || _committed.GetCredential(tx.Payload.CastEncryptedVote.ElectionId, tx.Signer) is null)
                {
                    continue;
                }

                var used = _ballotChecksSinceCommit.GetValueOrDefault(key);
                overBudget[i] = used >= BallotChecksPerCredentialPerBlock;
                _ballotChecksSinceCommit[key] = used + 1;
            }
        }

        return overBudget;
    }

    /// <summary>
    /// Verifies the budgeted encrypted votes' proofs in parallel, outside the lock, so the rules (one at a time, under
    /// it) find them verified.
    /// </summary>
    private void PrepareProofs(Outcome<VerifiedTx>[] decoded, bool[] overBudget, BlockContext block)
    {
        var candidates = decoded
            .Where((d, i) => d.IsOk && !overBudget[i] && ProofPreparation.Applies(d.Value!))
            .Select(d => d.Value!)
            .ToList();
        if (candidates.Count > 0)
        {
            // Never on the caller's thread, however few: one proof can cost as much as a hundred signatures.
            Parallel.ForEach(candidates, AdmissionScheduler.Shared.Options, Preparation(block).Prepare);
        }
    }

    /// <summary>
    /// The proof preparation for the committed state now, kept until the next commit: gossip hands transactions over
    /// one at a time, and each would otherwise evaluate its election's key again. A key it found final stays final
    /// (later block times cannot undo that); one it found not final waits for the rules until the next commit.
    /// </summary>
    private ProofPreparation Preparation(BlockContext block)
    {
        var root = _committed.StateRoot;
        var current = Volatile.Read(ref _preparation);
        if (current is not null && current.Root.AsSpan().SequenceEqual(root))
        {
            return current.Preparation;
        }

        var fresh = new PreparationForRoot(root, new ProofPreparation(_committed, _rules, block.TimeUnixMs));
        Volatile.Write(ref _preparation, fresh);
        return fresh.Preparation;
    }

    private sealed record PreparationForRoot(byte[] Root, ProofPreparation Preparation);
}
