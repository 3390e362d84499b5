using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>RegisterVoters and RevokeCredential: an authority manages who may vote, and with what weight.</summary>
internal static class RegistrationRules
{
    public static Rejection? Register(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var register = tx.Payload.RegisterVoters;
        var rejection = CommonChecks.Authority(chain, tx, "register voters")
            ?? CommonChecks.Election(state, register.ElectionId, out var election)
            ?? CommonChecks.NotClosed(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        if (register.Voters.Count == 0)
        {
            return new Rejection(RejectCode.EmptyBatch, "The registration holds no voters.");
        }

        if (register.Voters.Count > chain.MaxVotersPerBatch)
        {
            return new Rejection(RejectCode.BatchTooLarge,
                $"The registration holds {register.Voters.Count} voters; the limit is {chain.MaxVotersPerBatch} per transaction.");
        }

        // Check every entry before writing anything: the transaction is all or nothing.
        var seen = new HashSet<byte[]>(ByteKeyComparer.Instance);
        for (var i = 0; i < register.Voters.Count; i++)
        {
            var entry = register.Voters[i];
            var key = entry.Credential.ToByteArray();
            rejection = CommonChecks.WellFormedKey(key, $"credential of voter {i + 1}");
            if (rejection is not null)
            {
                return rejection;
            }

            if (entry.Weight > RuleContext.MaxWeight)
            {
                return new Rejection(RejectCode.BadWeight,
                    $"Voter {i + 1} has weight {entry.Weight}; the largest weight is {RuleContext.MaxWeight}.");
            }

            if (!seen.Add(key) || state.GetCredential(register.ElectionId, key) is not null)
            {
                return new Rejection(RejectCode.AlreadyRegistered,
                    $"Credential {CommonChecks.Short(key)} (voter {i + 1}) is already registered in election '{register.ElectionId}'.");
            }
        }

        var tally = CommonChecks.TallyCopy(state, register.ElectionId);
        foreach (var entry in register.Voters)
        {
            var weight = EffectiveWeight(entry.Weight);
            state.PutCredential(register.ElectionId, entry.Credential.Span,
                new CredentialRecord { Weight = weight, RegisteredHeight = block.Height });
            tally.RegisteredCredentials++;
            tally.RegisteredWeight += weight;
        }

        state.PutTally(register.ElectionId, tally);
        return null;
    }

    public static Rejection? Revoke(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var revoke = tx.Payload.RevokeCredential;
        var rejection = CommonChecks.Authority(chain, tx, "revoke a credential")
            ?? CommonChecks.Election(state, revoke.ElectionId, out var election)
            ?? CommonChecks.NotClosed(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        var key = revoke.Credential.Span;
        var credential = state.GetCredential(revoke.ElectionId, key);
        if (credential is null)
        {
            return new Rejection(RejectCode.NotRegistered,
                $"Credential {CommonChecks.Short(key)} is not registered in election '{revoke.ElectionId}'.");
        }

        if (credential.Revoked)
        {
            return new Rejection(RejectCode.CredentialRevoked, $"Credential {CommonChecks.Short(key)} is already revoked.");
        }

        var replacement = revoke.Replacement;
        if (!replacement.IsEmpty)
        {
            rejection = CommonChecks.WellFormedKey(replacement.Span, "replacement credential");
            if (rejection is not null)
            {
                return rejection;
            }

            if (replacement.Span.SequenceEqual(key) || state.GetCredential(revoke.ElectionId, replacement.Span) is not null)
            {
                return new Rejection(RejectCode.AlreadyRegistered,
                    $"Replacement credential {CommonChecks.Short(replacement.Span)} is already registered in election '{revoke.ElectionId}'.");
            }
        }

        var tally = CommonChecks.TallyCopy(state, revoke.ElectionId);
        var ballot = state.GetBallot(revoke.ElectionId, key);
        if (ballot is { Counted: true })
        {
            // The revoked credential's vote leaves the tally; the ballot stays, uncounted, for the record.
            tally.OptionWeights[(int)ballot.Option] -= credential.Weight;
            tally.CountedBallots--;
            tally.CountedWeight -= credential.Weight;
            var uncounted = ballot.Clone();
            uncounted.Counted = false;
            state.PutBallot(revoke.ElectionId, key, uncounted);
        }

        var revoked = credential.Clone();
        revoked.Revoked = true;
        revoked.ReplacedBy = replacement;
        state.PutCredential(revoke.ElectionId, key, revoked);
        tally.RegisteredCredentials--;
        tally.RegisteredWeight -= credential.Weight;

        if (!replacement.IsEmpty)
        {
            state.PutCredential(revoke.ElectionId, replacement.Span,
                new CredentialRecord { Weight = credential.Weight, RegisteredHeight = block.Height });
            tally.RegisteredCredentials++;
            tally.RegisteredWeight += credential.Weight;
        }

        state.PutTally(revoke.ElectionId, tally);
        return null;
    }

    /// <summary>Weight 0 on the wire means the default weight 1.</summary>
    public static ulong EffectiveWeight(ulong weight) => weight == 0 ? 1 : weight;
}
