using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The trustees' joint-Feldman key generation: Deal, Ack and Reveal. Phases come from
/// <see cref="KeyGenerationStatus.Evaluate"/> at block time, nowhere else. Every rule runs its cheap checks
/// (election, signer, phase, once, sizes, canonical parsing) before its first group operation, and writes only
/// after everything held.
///
/// Codes chosen: a key generation step for an open election is WRONG_BALLOT_KIND (the step belongs to the other
/// ballot kind; INVALID_ELECTION stays the code of a bad CreateElection). Wrong sizes, counts, orders and
/// non-canonical or identity encodings are MALFORMED, as is a reveal no complaint asked for once no complaint
/// can come any more (before that, while the recipient has not acknowledged, it is PHASE_NOT_OPEN, a passing
/// refusal); BAD_PROOF is kept for statements that parse but are false (a Schnorr proof, a revealed share against
/// its commitments). Every MALFORMED here is settled for good: sizes follow the election's fixed settings, and
/// acks (whose complaints must name dealers) are taken only after the dealing closed.
/// </summary>
internal static class KeyGenerationRules
{
    public static Rejection? Deal(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var deal = tx.Payload.KeyDeal;
        if (Trustee(state, deal.ElectionId, tx, out var election, out var dealer) is { } rejection)
        {
            return rejection;
        }

        var settings = election.Secret;
        var secret = state.GetSecret(deal.ElectionId);
        if (secret?.Deals.Any(d => d.Dealer == dealer) == true)
        {
            return new Rejection(RejectCode.AlreadyPosted, $"Trustee {dealer} has already dealt in election '{deal.ElectionId}'.");
        }

        var status = KeyGenerationStatus.Evaluate(election, secret, block.TimeUnixMs);
        if (status.Phase != KeyGenerationPhase.Dealing)
        {
            return new Rejection(RejectCode.PhaseOver,
                $"The dealing of election '{deal.ElectionId}' is over (key generation is at {status.Phase}).");
        }

        var threshold = (int)settings.Threshold;
        var trustees = settings.Trustees.Count;
        if (deal.Commitments.Count != threshold)
        {
            return Malformed($"A deal carries exactly {threshold} commitments (the threshold), not {deal.Commitments.Count}.");
        }

        if (deal.SealedShares.Count != trustees || deal.SealedShares.Any(s => s.Length != ShareSealing.SealedSize))
        {
            return Malformed($"A deal carries {trustees} sealed shares (one per trustee) of {ShareSealing.SealedSize} bytes each.");
        }

        if (deal.ConstantProof.Length != SchnorrProof.Size)
        {
            return Malformed($"The proof of the constant term is {SchnorrProof.Size} bytes, not {deal.ConstantProof.Length}.");
        }

        var commitments = new GroupElement[threshold];
        for (var l = 0; l < threshold; l++)
        {
            if (!GroupElement.TryParse(deal.Commitments[l].Span, out commitments[l]))
            {
                return Malformed($"Commitment {l} is not a canonical ristretto255 point.");
            }
        }

        if (commitments[0].IsIdentity)
        {
            // a_0 = 0 would add nothing secret to the joint key.
            return Malformed("The constant commitment is the identity: the dealer's secret would be zero.");
        }

        var context = SecretContexts.Dealer(chain.ChainId, deal.ElectionId, dealer);
        if (!SchnorrProof.Verify(context, commitments[0], deal.ConstantProof.Span))
        {
            return new Rejection(RejectCode.BadProof,
                $"The proof of knowledge of trustee {dealer}'s constant term does not verify for this chain, election and dealer.");
        }

        var record = new DealRecord { Dealer = dealer, Height = block.Height };
        record.Commitments.AddRange(deal.Commitments);
        record.SealedShares.AddRange(deal.SealedShares);
        var updated = secret?.Clone() ?? new SecretRecord();
        updated.Deals.Insert(updated.Deals.Count(d => d.Dealer < dealer), record);
        state.PutSecret(deal.ElectionId, updated);
        return null;
    }

    public static Rejection? Ack(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var ack = tx.Payload.KeyAck;
        if (Trustee(state, ack.ElectionId, tx, out var election, out var trustee) is { } rejection)
        {
            return rejection;
        }

        var secret = state.GetSecret(ack.ElectionId);
        if (secret?.Acks.Any(a => a.Trustee == trustee) == true)
        {
            return new Rejection(RejectCode.AlreadyPosted, $"Trustee {trustee} has already acknowledged in election '{ack.ElectionId}'.");
        }

        var status = KeyGenerationStatus.Evaluate(election, secret, block.TimeUnixMs);
        if (status.Phase == KeyGenerationPhase.Dealing)
        {
            return new Rejection(RejectCode.PhaseNotOpen,
                $"Election '{ack.ElectionId}' is still dealing; acknowledgements open when every trustee dealt or at the dealing deadline.");
        }

        if (status.Phase != KeyGenerationPhase.Complaints)
        {
            return new Rejection(RejectCode.PhaseOver,
                $"The complaints phase of election '{ack.ElectionId}' is over (key generation is at {status.Phase}).");
        }

        // An ack speaks for the deals its trustee opened. One built before a late deal (stamped just before the
        // deadline, committed after the trustee planned) could not complain about it, and that deal's shares would
        // qualify unchecked: so the ack names the deals it checked and must cover exactly those on record. The
        // refusal passes (the trustee plans again with the deal in view), hence PHASE_NOT_OPEN.
        var onRecord = secret?.Deals.Select(d => d.Dealer).Where(d => d != trustee).ToList() ?? [];
        if (!ack.CheckedDealers.SequenceEqual(onRecord))
        {
            return new Rejection(RejectCode.PhaseNotOpen,
                $"Trustee {trustee}'s ack checked the deals of [{string.Join(", ", ack.CheckedDealers)}] but the other dealers on record "
                + $"in election '{ack.ElectionId}' are [{string.Join(", ", onRecord)}]: it must be built again from the deals on record.");
        }

        uint previous = 0;
        foreach (var dealer in ack.Complaints)
        {
            if (dealer <= previous)
            {
                return Malformed("Complaints name dealers in ascending order, each once.");
            }

            if (dealer == trustee)
            {
                return Malformed("A trustee cannot complain about its own deal.");
            }

            if (!ack.CheckedDealers.Contains(dealer))
            {
                return Malformed($"Trustee {dealer} is not among the dealers this ack checked, so there is no share of it to complain about.");
            }

            previous = dealer;
        }

        var record = new AckRecord { Trustee = trustee, Height = block.Height };
        record.Complaints.AddRange(ack.Complaints);
        var updated = secret?.Clone() ?? new SecretRecord();
        updated.Acks.Insert(updated.Acks.Count(a => a.Trustee < trustee), record);
        state.PutSecret(ack.ElectionId, updated);
        return null;
    }

    /// <summary>
    /// A dealer answers a complaint with the disputed share in the clear. Accepted from the complaints phase (as
    /// soon as the complaint is on chain, which gives the dealer the most time) until the answers phase ends.
    /// </summary>
    public static Rejection? Reveal(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var reveal = tx.Payload.KeyReveal;
        if (Trustee(state, reveal.ElectionId, tx, out var election, out var dealer) is { } rejection)
        {
            return rejection;
        }

        var secret = state.GetSecret(reveal.ElectionId);
        var status = KeyGenerationStatus.Evaluate(election, secret, block.TimeUnixMs);
        if (status.Phase == KeyGenerationPhase.Dealing)
        {
            return new Rejection(RejectCode.PhaseNotOpen, $"Election '{reveal.ElectionId}' is still dealing; there is no complaint to answer yet.");
        }

        if (status.Phase is not (KeyGenerationPhase.Complaints or KeyGenerationPhase.Answers))
        {
            return new Rejection(RejectCode.PhaseOver,
                $"The answers phase of election '{reveal.ElectionId}' is over (key generation is at {status.Phase}).");
        }

        var trustees = election.Secret.Trustees.Count;
        if (reveal.Recipient == 0 || reveal.Recipient > trustees)
        {
            return Malformed($"Recipient {reveal.Recipient} is not a trustee index (1 to {trustees}).");
        }

        if (reveal.Share.Length != Scalar.Size)
        {
            return Malformed($"A revealed share is a {Scalar.Size}-byte scalar, not {reveal.Share.Length} bytes.");
        }

        var complaint = secret?.Acks.FirstOrDefault(a => a.Trustee == reveal.Recipient);
        if (secret is null || complaint is null || !complaint.Complaints.Contains(dealer))
        {
            // While acks may still come the complaint may too, and MALFORMED would make gossip forget the reveal for
            // good (RejectionPermanence); once the complaints phase is over nothing can ask for it any more.
            var message = $"Trustee {reveal.Recipient} has not complained about dealer {dealer}: there is nothing to reveal.";
            return status.Phase == KeyGenerationPhase.Complaints && complaint is null
                ? new Rejection(RejectCode.PhaseNotOpen, message)
                : Malformed(message);
        }

        if (secret.Reveals.Any(r => r.Dealer == dealer && r.Recipient == reveal.Recipient))
        {
            return new Rejection(RejectCode.AlreadyPosted, $"Dealer {dealer} has already answered trustee {reveal.Recipient}'s complaint.");
        }

        if (!Scalar.TryParse(reveal.Share.Span, out var share))
        {
            return Malformed("The revealed share is not a canonical scalar (below the group order).");
        }

        // A complaint names only dealers that dealt (Ack checks it), so the deal is there.
        var deal = secret.Deals.First(d => d.Dealer == dealer);
        var expected = ShamirPolynomial.ExpectedShareKey(KeyGenerationStatus.Commitments(deal), reveal.Recipient);
        if (!GroupElement.MultiplyBase(share).Equals(expected))
        {
            return new Rejection(RejectCode.BadProof,
                $"The share dealer {dealer} revealed for trustee {reveal.Recipient} does not match its commitments.");
        }

        var updated = secret.Clone();
        updated.Reveals.Add(new RevealRecord
        {
            Dealer = dealer,
            Recipient = reveal.Recipient,
            Share = ByteString.CopyFrom(reveal.Share.Span),
            Height = block.Height,
        });
        state.PutSecret(reveal.ElectionId, updated);
        return null;
    }

    /// <summary>The election exists and is secret, and the signer is one of its trustees (index from 1).</summary>
    private static Rejection? Trustee(IStateReader state, string electionId, VerifiedTx tx, out ElectionRecord election, out uint index)
    {
        index = 0;
        if (CommonChecks.Election(state, electionId, out election) is { } rejection)
        {
            return rejection;
        }

        if (election.Secret is null)
        {
            return new Rejection(RejectCode.WrongBallotKind,
                $"Election '{electionId}' is an open election: it has no trustees and no key generation.");
        }

        index = SecretSettings.TrusteeIndex(election.Secret, tx.Signer);
        return index == 0
            ? new Rejection(RejectCode.NotTrustee, $"Key {CommonChecks.Short(tx.Signer)} is not a trustee of election '{electionId}'.")
            : null;
    }

    private static Rejection Malformed(string message) => new(RejectCode.Malformed, message);
}
