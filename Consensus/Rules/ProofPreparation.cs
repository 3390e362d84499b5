using System.Collections.Concurrent;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Checks the zero-knowledge proofs of encrypted votes (and the issuer signatures of anonymous registrations) ahead of
/// the rules, against committed state, so that a caller holding a lock around the rules (the mempool) can run the
/// verifications (~1 ms a ballot, ~0.1 ms an issuer signature) on every core outside it. A success
/// is remembered on the <see cref="VerifiedTx"/> for exactly the statement it was checked against (see
/// <see cref="VerifiedTx"/>), and the rules, run later in order, find it; a failure is not remembered, so the rules
/// judge it again and give the refusal. Nothing here decides anything: whatever does not hold (unknown election, a
/// credential not registered or revoked, a key not final) is simply left to the rules. Thread-safe; it starts no
/// threads of its own.
/// </summary>
public sealed class ProofPreparation
{
    private readonly IStateReader _committed;
    private readonly RuleContext _chain;
    private readonly long _blockTimeUnixMs;
    private readonly ConcurrentDictionary<string, (ElectionRecord Election, KeyGenerationStatus Key)?> _elections =
        new(StringComparer.Ordinal);

    public ProofPreparation(IStateReader committed, RuleContext chain, long blockTimeUnixMs)
    {
        _committed = committed;
        _chain = chain;
        _blockTimeUnixMs = blockTimeUnixMs;
    }

    /// <summary>True for the transactions worth preparing: encrypted votes, and anonymous registrations (issuer signatures).</summary>
    public static bool Applies(VerifiedTx tx) =>
        tx.Payload.KindCase is TxPayload.KindOneofCase.CastEncryptedVote or TxPayload.KindOneofCase.RegisterAnonymous;

    /// <summary>
    /// Verifies an encrypted vote's proofs if its election has a final key and its signer a live registration, or an
    /// anonymous registration's issuer signatures if its weight has room.
    /// </summary>
    public void Prepare(VerifiedTx tx)
    {
        if (tx.Payload.KindCase == TxPayload.KindOneofCase.RegisterAnonymous)
        {
            AnonymousRules.Prepare(_committed, _chain, tx);
            return;
        }

        if (!Applies(tx))
        {
            return;
        }

        // The cheap checks first, against committed state: a ballot the rules would refuse without its proofs (no such
        // election or credential, outside the window, a stale sequence) is not verified here.
        var vote = tx.Payload.CastEncryptedVote;
        if (!ElectionIds.IsValid(vote.ElectionId) || Election(vote.ElectionId) is not { } known
            || VoteChecks.Voter(_committed, vote.ElectionId, tx.Signer, out var credential) is not null
            || VoteChecks.Window(known.Election, new BlockContext(0, _blockTimeUnixMs)) is not null
            || VoteChecks.Sequence(_committed, known.Election.Definition, tx.Signer, vote.Sequence, out _) is not null)
        {
            return;
        }

        _ = SecretVoteRules.Proofs(_chain, tx, known.Election, known.Key.JointKey!, credential.Weight, out _);
    }

    /// <summary>The election and its final key, remembered only for elections that exist (made-up ids add nothing).</summary>
    private (ElectionRecord Election, KeyGenerationStatus Key)? Election(string electionId)
    {
        if (_elections.TryGetValue(electionId, out var known))
        {
            return known;
        }

        var loaded = Load(electionId);
        if (loaded is not null || _committed.GetElection(electionId) is not null)
        {
            _elections[electionId] = loaded;
        }

        return loaded;
    }

    private (ElectionRecord, KeyGenerationStatus)? Load(string electionId)
    {
        if (_committed.GetElection(electionId) is not { Secret: not null } election)
        {
            return null;
        }

        var key = KeyGenerationStatus.Evaluate(election, _committed.GetSecret(electionId), _blockTimeUnixMs);
        return key.Phase == KeyGenerationPhase.Final ? (election, key) : null;
    }
}
