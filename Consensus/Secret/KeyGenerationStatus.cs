using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The state of a secret election's joint-Feldman key generation at a block time, derived from the election record
/// and what the trustees posted: the one place phases, qualified dealers, the joint key and the trustees'
/// verification keys are computed. Replicas, the trustee client, the API and the audit all call this.
///
/// Phases count from the election's creation time t0 in steps of the key phase P: dealing until t0 + P (or until
/// every trustee dealt), complaints until t0 + 2P (or until every trustee acknowledged), answers until t0 + 3P (or
/// until every complaint is answered). A dealer with an unanswered complaint at the end is disqualified; the joint
/// key is the sum of the qualified dealers' constant commitments.
/// </summary>
public sealed class KeyGenerationStatus
{
    private readonly IReadOnlyList<DealRecord> _qualifiedDeals;
    private readonly Dictionary<uint, GroupElement> _verificationKeys = [];

    private KeyGenerationStatus(KeyGenerationPhase phase, long dealingEndsAt, long complaintsEndAt, long answersEndAt,
        IReadOnlyList<DealRecord> qualifiedDeals, GroupElement? jointKey)
    {
        Phase = phase;
        DealingEndsAtUnixMs = dealingEndsAt;
        ComplaintsEndAtUnixMs = complaintsEndAt;
        AnswersEndAtUnixMs = answersEndAt;
        _qualifiedDeals = qualifiedDeals;
        JointKey = jointKey;
    }

    public KeyGenerationPhase Phase { get; }

    /// <summary>
    /// Final with every trustee dealt and acknowledged and no complaint unanswered: final at any block time, because no
    /// deadline was needed to get here (and no later key generation step is accepted). Only such a status may be reused
    /// for other block times (<see cref="In"/>).
    /// </summary>
    public bool FinalAtAnyTime { get; private init; }

    public long DealingEndsAtUnixMs { get; }

    public long ComplaintsEndAtUnixMs { get; }

    public long AnswersEndAtUnixMs { get; }

    /// <summary>Dealer indices that qualified (empty before the key is final).</summary>
    public IReadOnlyList<uint> QualifiedDealers => [.. _qualifiedDeals.Select(d => d.Dealer)];

    /// <summary>The election's public key, set once <see cref="Phase"/> is <see cref="KeyGenerationPhase.Final"/>.</summary>
    public GroupElement? JointKey { get; }

    public static KeyGenerationStatus Evaluate(ElectionRecord election, SecretRecord? secret, long timeUnixMs)
    {
        var settings = election.Secret ?? throw new ArgumentException("The election is not secret.", nameof(election));
        secret ??= new SecretRecord();
        var phaseMs = (long)settings.KeyPhaseSeconds * 1000;
        var dealingEnds = election.CreatedAtUnixMs + phaseMs;
        var complaintsEnd = dealingEnds + phaseMs;
        var answersEnd = complaintsEnd + phaseMs;
        var n = settings.Trustees.Count;

        KeyGenerationStatus Pending(KeyGenerationPhase phase) => new(phase, dealingEnds, complaintsEnd, answersEnd, [], null);

        if (secret.Deals.Count < n && timeUnixMs < dealingEnds)
        {
            return Pending(KeyGenerationPhase.Dealing);
        }

        if (secret.Acks.Count < n && timeUnixMs < complaintsEnd)
        {
            return Pending(KeyGenerationPhase.Complaints);
        }

        var unanswered = Unanswered(secret);
        if (unanswered.Count > 0 && timeUnixMs < answersEnd)
        {
            return Pending(KeyGenerationPhase.Answers);
        }

        var qualified = secret.Deals.Where(d => !unanswered.Contains(d.Dealer)).ToList();
        if (qualified.Count < settings.Threshold)
        {
            return new KeyGenerationStatus(KeyGenerationPhase.Failed, dealingEnds, complaintsEnd, answersEnd, [], null);
        }

        var jointKey = GroupElement.Identity;
        foreach (var deal in qualified)
        {
            jointKey = jointKey.Add(Commitment(deal, 0));
        }

        // The sum of random constant terms is the identity with negligible probability, but a key that is the
        // identity would encrypt in the clear, so it fails rather than being used.
        return jointKey.IsIdentity
            ? new KeyGenerationStatus(KeyGenerationPhase.Failed, dealingEnds, complaintsEnd, answersEnd, [], null)
            : new KeyGenerationStatus(KeyGenerationPhase.Final, dealingEnds, complaintsEnd, answersEnd, qualified, jointKey)
            {
                FinalAtAnyTime = secret.Deals.Count == n && secret.Acks.Count == n && unanswered.Count == 0,
            };
    }

    /// <summary>
    /// <see cref="Evaluate"/> for the rules, through the overlay's memo: a status final at any time is computed once per
    /// overlay (every vote of a block, or of the mempool between two commits, needs it) and reused until the overlay's
    /// secret record or the committed state under it changes.
    /// </summary>
    public static KeyGenerationStatus In(StateOverlay state, ElectionRecord election, long timeUnixMs)
    {
        var electionId = election.Definition.ElectionId;
        if (state.RememberedKeyStatus(electionId) is { } known)
        {
            return known;
        }

        var status = Evaluate(election, state.GetSecret(electionId), timeUnixMs);
        if (status.FinalAtAnyTime)
        {
            state.RememberKeyStatus(electionId, status);
        }

        return status;
    }

    /// <summary>
    /// Trustee <paramref name="trustee"/>'s verification key K_j = Σ over qualified dealers of Σ_l j^l·C_l, the key its
    /// decryption shares are checked against. Only once the key is final.
    /// </summary>
    public GroupElement VerificationKey(uint trustee)
    {
        if (Phase != KeyGenerationPhase.Final)
        {
            throw new InvalidOperationException("Verification keys exist once the joint key is final.");
        }

        if (!_verificationKeys.TryGetValue(trustee, out var key))
        {
            key = GroupElement.Identity;
            foreach (var deal in _qualifiedDeals)
            {
                key = key.Add(ShamirPolynomial.ExpectedShareKey(Commitments(deal), trustee));
            }

            _verificationKeys[trustee] = key;
        }

        return key;
    }

    /// <summary>Dealers named in a complaint that no reveal has answered.</summary>
    public static HashSet<uint> Unanswered(SecretRecord secret)
    {
        var answered = secret.Reveals.Select(r => (r.Dealer, r.Recipient)).ToHashSet();
        var dealers = new HashSet<uint>();
        foreach (var ack in secret.Acks)
        {
            foreach (var dealer in ack.Complaints)
            {
                if (!answered.Contains((dealer, ack.Trustee)))
                {
                    dealers.Add(dealer);
                }
            }
        }

        return dealers;
    }

    /// <summary>A stored deal's commitments. The rules parsed them before storing, so a failure here is corruption.</summary>
    public static IReadOnlyList<GroupElement> Commitments(DealRecord deal) =>
        [.. deal.Commitments.Select((_, l) => Commitment(deal, l))];

    private static GroupElement Commitment(DealRecord deal, int index) =>
        GroupElement.TryParse(deal.Commitments[index].Span, out var element)
            ? element
            : throw new InvalidOperationException($"Stored deal of dealer {deal.Dealer} holds a malformed commitment.");
}
