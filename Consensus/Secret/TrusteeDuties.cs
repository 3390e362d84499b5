using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>One transaction a trustee should sign with its trustee key and submit.</summary>
/// <param name="Step">"deal", "ack", "reveal", "close", "decryption-shares" or "result": for logs and for not
/// resubmitting. Several reveals can be due at once (one per complaint); they differ in their payload's recipient.</param>
public sealed record TrusteeDuty(string ElectionId, string Step, TxPayload Payload);

/// <summary>What is due, and why something that should be due cannot be done (for the trustee's log), or null.</summary>
/// <param name="ResultDue">Enough decryption shares are on chain and no result is: <see cref="TrusteeDuties.Result"/>
/// would compute one. <see cref="TrusteeDuties.Plan"/> never does, since that costs a discrete-log table.</param>
public sealed record TrusteePlan(IReadOnlyList<TrusteeDuty> Duties, string? Problem, bool ResultDue = false);

/// <summary>
/// What a trustee should post for one secret election, derived from the committed state alone, so a trustee that
/// restarts (or runs elsewhere, through the API) picks up where the chain stands. Pure: the trustee's clock is a
/// parameter, and its dealing polynomial is derived from its key (<see cref="TrusteeKey.DealingPolynomial"/>).
/// Key generation phases are judged at the trustee's clock; a step submitted a little early is refused by the rules
/// and simply planned again on the next call. Decryption is judged at the committed head block's time instead: a
/// block stamped before the close may still commit after this clock passed it (block time trails validators'
/// clocks by up to the drift), and shares of sums that one more ballot can still change would let whoever withheld
/// it learn that ballot from the difference. Once the head block is at or past the close, no vote can ever be added.
/// The result, which needs a discrete-log table, is planned apart (<see cref="Result"/>) so a trustee can plan every
/// election's deadline-bound steps first and skip the result while one it sent is pending.
/// </summary>
public static class TrusteeDuties
{
    /// <summary>Every step due now except the result (see <see cref="TrusteePlan.ResultDue"/>).</summary>
    public static TrusteePlan Plan(TrusteeKey trustee, TrusteeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var election = view.Election;
        var settings = election.Secret;
        var index = settings is null ? 0 : SecretSettings.TrusteeIndex(settings, trustee.PublicKey);
        if (settings is null || index == 0 || view.Tally.ResultPublished)
        {
            return new TrusteePlan([], null);
        }

        var secret = view.Secret ?? new SecretRecord();
        var chainId = view.ChainId;
        var electionId = election.Definition.ElectionId;
        var now = view.NowUnixMs;
        var duties = new List<TrusteeDuty>();
        var problems = new List<string>();
        var status = KeyGenerationStatus.Evaluate(election, secret, now);
        var resultDue = false;
        switch (status.Phase)
        {
            case KeyGenerationPhase.Dealing when secret.Deals.All(d => d.Dealer != index):
                var deal = Deal(trustee, DealingContext.For(chainId, view.GenesisHash, election), election, index, problems);
                duties.Add(Duty(chainId, electionId, "deal", new TxPayload { KeyDeal = deal }));
                break;
            case KeyGenerationPhase.Complaints or KeyGenerationPhase.Answers:
                if (status.Phase == KeyGenerationPhase.Complaints && secret.Acks.All(a => a.Trustee != index)
                    && (secret.Deals.Count == settings.Trustees.Count || now >= status.DealingEndsAtUnixMs + AckGraceMs(settings)))
                {
                    duties.Add(Duty(chainId, electionId, "ack", new TxPayload { KeyAck = Ack(trustee, electionId, secret, index) }));
                }

                duties.AddRange(Reveals(trustee, view, secret, index, problems)
                    .Select(r => Duty(chainId, electionId, "reveal", new TxPayload { KeyReveal = r })));
                break;
            case KeyGenerationPhase.Failed:
                problems.Add($"Key generation of election '{electionId}' failed: fewer than {settings.Threshold} dealers qualified.");
                break;
            case KeyGenerationPhase.Final when view.HeadTimeUnixMs < election.Definition.ClosesAtUnixMs:
                if (now >= election.Definition.ClosesAtUnixMs)
                {
                    // The close passed by this clock but no block after it has committed (an idle chain makes none):
                    // ask for one. Decrypting before it would risk a ballot still being added.
                    duties.Add(Duty(chainId, electionId, "close", new TxPayload { CloseTally = new CloseTally { ElectionId = electionId } }));
                }

                break;
            case KeyGenerationPhase.Final:
                var key = KeyGenerationStatus.Evaluate(election, secret, view.HeadTimeUnixMs);
                if (secret.DecryptionShares.All(s => s.Trustee != index)
                    && TrusteeDecryption.Shares(trustee, chainId, election, secret, view.Tally, key, index, problems) is { } shares)
                {
                    duties.Add(Duty(chainId, electionId, "decryption-shares", new TxPayload { DecryptionShares = shares }));
                }

                resultDue = IsResultDue(trustee, view);
                break;
        }

        return new TrusteePlan(duties, problems.Count == 0 ? null : string.Join(" ", problems), resultDue);
    }

    /// <summary>
    /// The result, when <see cref="Plan"/> says it is due: combines the T lowest shares on chain and solves the
    /// discrete logs, or takes the weights from <paramref name="solved"/> when these sums were solved before.
    /// </summary>
    public static TrusteePlan Result(TrusteeKey trustee, TrusteeView view, SolvedResults? solved = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!IsResultDue(trustee, view))
        {
            return new TrusteePlan([], null);
        }

        var problems = new List<string>();
        var election = view.Election;
        var result = TrusteeDecryption.Result(election, view.Secret ?? new SecretRecord(), view.Tally, solved, problems);
        IReadOnlyList<TrusteeDuty> duties = result is null
            ? []
            : [Duty(view.ChainId, election.Definition.ElectionId, "result", new TxPayload { PublishResult = result })];
        return new TrusteePlan(duties, problems.Count == 0 ? null : string.Join(" ", problems), true);
    }

    /// <summary>The cheap test behind <see cref="TrusteePlan.ResultDue"/>: no share combination, no discrete log.</summary>
    private static bool IsResultDue(TrusteeKey trustee, TrusteeView view)
    {
        var settings = view.Election.Secret;
        return settings is not null
            && SecretSettings.TrusteeIndex(settings, trustee.PublicKey) != 0
            && !view.Tally.ResultPublished
            && view.HeadTimeUnixMs >= view.Election.Definition.ClosesAtUnixMs
            && view.Secret is { } secret
            && secret.DecryptionShares.Count >= settings.Threshold
            && KeyGenerationStatus.Evaluate(view.Election, secret, view.HeadTimeUnixMs).Phase == KeyGenerationPhase.Final;
    }

    /// <summary>
    /// How long after the dealing deadline a trustee waits before acknowledging when not every trustee dealt: a
    /// deal in a block stamped just before the deadline can commit after the trustee's clock passed it. An ack planned
    /// without it is refused (it names the deals it checked, which must be those on record) and planned again; the
    /// grace only spares that round. A tenth of the key phase; the trustee's policy, not a rule.
    /// </summary>
    public static long AckGraceMs(SecretBallotSettings settings) => settings.KeyPhaseSeconds * 100L;

    private static TrusteeDuty Duty(string chainId, string electionId, string step, TxPayload payload)
    {
        payload.ChainId = chainId;
        return new TrusteeDuty(electionId, step, payload);
    }

    private static KeyGenerationDeal Deal(TrusteeKey trustee, DealingContext context, ElectionRecord election, uint index, List<string> problems)
    {
        var settings = election.Secret;
        var electionId = election.Definition.ElectionId;
        var chainId = context.ChainId;
        var polynomial = trustee.DealingPolynomial(context, (int)settings.Threshold);
        var commitments = polynomial.Commitments();
        var deal = new KeyGenerationDeal
        {
            ElectionId = electionId,
            ConstantProof = ByteString.CopyFrom(SchnorrProof.Create(
                SecretContexts.Dealer(chainId, electionId, index), polynomial.Secret, commitments[0])),
        };
        deal.Commitments.AddRange(commitments.Select(c => ByteString.CopyFrom(c.ToArray())));
        for (var k = 1; k <= settings.Trustees.Count; k++)
        {
            if (ShareSealing.TrySeal(settings.Trustees[k - 1].Span, polynomial.Evaluate((uint)k), out var sealedShare))
            {
                deal.SealedShares.Add(ByteString.CopyFrom(sealedShare));
                continue;
            }

            // The election accepted a key no share can be sealed to: that trustee will complain and get its share
            // revealed, so the deal still goes out with a placeholder of the right size.
            problems.Add($"Trustee {k}'s key cannot receive a sealed share (not a main-subgroup point); it gets a placeholder.");
            deal.SealedShares.Add(ByteString.CopyFrom(new byte[ShareSealing.SealedSize]));
        }

        return deal;
    }

    /// <summary>
    /// Opens every other dealer's share to this trustee, names them all as checked (the rules take the ack only if
    /// that is every other deal on record, so a deal that lands after this plan forces a new one) and complains about
    /// those that fail their commitments.
    /// </summary>
    private static KeyGenerationAck Ack(TrusteeKey trustee, string electionId, SecretRecord secret, uint index)
    {
        var ack = new KeyGenerationAck { ElectionId = electionId };
        // Deals are stored in dealer order, so both lists come out ascending as the rules require.
        foreach (var deal in secret.Deals.Where(d => d.Dealer != index))
        {
            ack.CheckedDealers.Add(deal.Dealer);
            if (!TrusteeDecryption.TryOpenShare(trustee, deal, index, out _))
            {
                ack.Complaints.Add(deal.Dealer);
            }
        }

        return ack;
    }

    /// <summary>Answers every unanswered complaint against this trustee with the share it dealt the complainer.</summary>
    private static IEnumerable<KeyGenerationReveal> Reveals(TrusteeKey trustee, TrusteeView view, SecretRecord secret, uint index,
        List<string> problems)
    {
        var election = view.Election;
        var electionId = election.Definition.ElectionId;
        var complainers = secret.Acks
            .Where(a => a.Complaints.Contains(index) && !secret.Reveals.Any(r => r.Dealer == index && r.Recipient == a.Trustee))
            .Select(a => a.Trustee)
            .ToList();
        var deal = secret.Deals.FirstOrDefault(d => d.Dealer == index);
        if (complainers.Count == 0 || deal is null)
        {
            return [];
        }

        var polynomial = trustee.DealingPolynomial(DealingContext.For(view.ChainId, view.GenesisHash, election), (int)election.Secret.Threshold);
        var onChain = KeyGenerationStatus.Commitments(deal);
        if (!polynomial.Commitments().SequenceEqual(onChain))
        {
            // Only if the deal on chain was not made from this key's derivation (another key, another version).
            problems.Add($"The deal on chain for trustee {index} does not match this key's dealing polynomial: it cannot answer complaints.");
            return [];
        }

        return complainers.Select(j => new KeyGenerationReveal
        {
            ElectionId = electionId,
            Recipient = j,
            Share = ByteString.CopyFrom(polynomial.Evaluate(j).ToArray()),
        }).ToList();
    }
}
