using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Secret;
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
        var rejection = CommonChecks.Authority(state, chain, block, tx, "register voters");
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = CommonChecks.Election(state, register.ElectionId, out var election)
            ?? CommonChecks.NotClosed(election, block)
            ?? RollClosed(election, block);
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

            if (entry.Weight > chain.WeightLimit)
            {
                return new Rejection(RejectCode.BadWeight,
                    $"Voter {i + 1} has weight {entry.Weight}; the largest weight is {chain.WeightLimit}.");
            }

            if (!seen.Add(key) || state.GetCredential(register.ElectionId, key) is not null)
            {
                return new Rejection(RejectCode.AlreadyRegistered,
                    $"Credential {CommonChecks.Short(key)} (voter {i + 1}) is already registered in election '{register.ElectionId}'.");
            }
        }

        var tally = CommonChecks.TallyCopy(state, register.ElectionId);
        rejection = TallyOverflow(register, tally, election);
        if (rejection is not null)
        {
            return rejection;
        }

        foreach (var entry in register.Voters)
        {
            var weight = VoterWeight.Effective(entry.Weight);
            state.PutCredential(register.ElectionId, entry.Credential.Span, NewRecord(election, weight, block));
            tally.RegisteredCredentials = checked(tally.RegisteredCredentials + 1);
            tally.RegisteredWeight = checked(tally.RegisteredWeight + weight);
        }

        state.PutTally(register.ElectionId, tally);
        return null;
    }

    public static Rejection? Revoke(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var revoke = tx.Payload.RevokeCredential;
        var rejection = CommonChecks.Authority(state, chain, block, tx, "revoke a credential");
        if (rejection is not null)
        {
            return rejection;
        }

        rejection = CommonChecks.Election(state, revoke.ElectionId, out var election)
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

        rejection = AnonymousRevocation(credential, key, revoke.ElectionId);
        if (rejection is not null)
        {
            return rejection;
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

            rejection = RollClosed(election, block);
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
            // The revoked credential's vote leaves the tally; the ballot stays, uncounted, for the record. A secret
            // ballot's ciphertexts leave the encrypted sums (its option field means nothing).
            if (election.Secret is not null)
            {
                EncryptedTally.Move(tally, ballot.Ciphertexts, added: null);
            }
            else
            {
                // A proxy's ballot takes the weight of its holders with it.
                tally.OptionWeights[(int)ballot.Option] = checked(tally.OptionWeights[(int)ballot.Option] - DelegationBook.CastWeight(credential));
            }

            DelegationBook.CountBallot(tally, credential, adding: false);
            var uncounted = ballot.Clone();
            uncounted.Counted = false;
            state.PutBallot(revoke.ElectionId, key, uncounted);
        }

        // A revoked (or replaced) credential loses its delegations: its own appointment of a proxy, and every
        // appointment of it (the replacement starts with none).
        DelegationBook.Release(state, tally, revoke.ElectionId, key, credential);
        var revoked = credential.Clone();
        DelegationBook.EndAppointmentsOf(tally, revoked);
        revoked.Revoked = true;
        revoked.ReplacedBy = replacement;
        state.PutCredential(revoke.ElectionId, key, revoked);
        tally.RegisteredCredentials = checked(tally.RegisteredCredentials - 1);
        tally.RegisteredWeight = checked(tally.RegisteredWeight - credential.Weight);

        if (!replacement.IsEmpty)
        {
            state.PutCredential(revoke.ElectionId, replacement.Span, NewRecord(election, credential.Weight, block));
            // The revoked weight was just taken off, so adding it back cannot pass the old sum.
            tally.RegisteredCredentials = checked(tally.RegisteredCredentials + 1);
            tally.RegisteredWeight = checked(tally.RegisteredWeight + credential.Weight);
        }

        state.PutTally(revoke.ElectionId, tally);
        return null;
    }

    /// <summary>
    /// A registration by the authority: a voter's credential, or in an anonymous election a roll entry, which cannot
    /// vote and waits to be served by every issuer.
    /// </summary>
    private static CredentialRecord NewRecord(ElectionRecord election, ulong weight, BlockContext block)
    {
        var record = new CredentialRecord { Weight = weight, RegisteredHeight = block.Height };
        if (election.Anonymous is not null)
        {
            record.Roll = true;
            record.ServedRequests.AddRange(AnonymousElection.NoneServed(election.Anonymous));
        }

        return record;
    }

    /// <summary>
    /// An anonymous election's roll is closed once issuing closes: nothing could serve a new entry any more, and a key
    /// the authority added then could be a pending credential's, shutting it out (registering opens no earlier).
    /// </summary>
    private static Rejection? RollClosed(ElectionRecord election, BlockContext block) =>
        election.Anonymous is null || AnonymousElection.RollOpen(election.Anonymous, block.TimeUnixMs)
            ? null
            : new Rejection(RejectCode.PhaseOver,
                $"The roll of anonymous election '{election.Definition.ElectionId}' closed when issuing closed: no entry can be added.");

    /// <summary>
    /// What the authority may not revoke in an anonymous election: an anonymous credential (nobody can tell whose it is,
    /// so revoking one would strike out a voter the authority cannot name) and a roll entry an issuer has served
    /// (its credential is out and cannot be called back, so a replacement would be a second credential).
    /// </summary>
    private static Rejection? AnonymousRevocation(CredentialRecord credential, ReadOnlySpan<byte> key, string electionId)
    {
        if (credential.Anonymous)
        {
            return new Rejection(RejectCode.CannotRevoke,
                $"Credential {CommonChecks.Short(key)} is anonymous: no authority can tell whose it is, so it cannot be revoked.");
        }

        return credential.Roll && AnonymousElection.ServedByAny(credential)
            ? new Rejection(RejectCode.AlreadyServed,
                $"Roll entry {CommonChecks.Short(key)} of election '{electionId}' was already served: its anonymous credential cannot be called back.")
            : null;
    }

    /// <summary>
    /// Every other tally sum is bounded by the registered weight (an option's weight and the counted weight are sums
    /// over voters registered now, a count is at most the weight since each weight is at least 1), so refusing a
    /// registration that would take it past 2^64 - 1 keeps every sum in 64 bits; the checked arithmetic in the rules
    /// turns a broken bound into an exception, never a silent wrap. A secret election has a lower bound,
    /// <see cref="SecretSettings.MaxTotalWeight"/>: its result is a discrete log up to the counted weight, which the
    /// publisher must be able to solve.
    /// </summary>
    private static Rejection? TallyOverflow(RegisterVoters register, TallyRecord tally, ElectionRecord election)
    {
        UInt128 weight = tally.RegisteredWeight;
        foreach (var entry in register.Voters)
        {
            weight += VoterWeight.Effective(entry.Weight);
        }

        if (election.Secret is not null && weight > SecretSettings.MaxTotalWeight)
        {
            return new Rejection(RejectCode.TallyOverflow,
                $"Registering these voters would take the registered weight of secret election '{register.ElectionId}' to {weight}, " +
                $"past the largest total weight of a secret election, {SecretSettings.MaxTotalWeight} (its result is decrypted by a discrete log bounded by it).");
        }

        return weight > ulong.MaxValue
            ? new Rejection(RejectCode.TallyOverflow,
                $"Registering these voters would take the registered weight of election '{register.ElectionId}' to {weight}, " +
                $"past the largest tally sum {ulong.MaxValue}.")
            : null;
    }
}
