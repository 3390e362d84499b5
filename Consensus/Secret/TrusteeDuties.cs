using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>One transaction a trustee should sign with its trustee key and submit.</summary>
/// <param name="Step">"deal", "ack", "reveal", "decryption-shares" or "result": for logs and for not resubmitting.
/// Several reveals can be due at once (one per complaint); they differ in their payload's recipient.</param>
public sealed record TrusteeDuty(string ElectionId, string Step, TxPayload Payload);

/// <summary>What is due, and why something that should be due cannot be done (for the trustee's log), or null.</summary>
public sealed record TrusteePlan(IReadOnlyList<TrusteeDuty> Duties, string? Problem);

/// <summary>
/// What a trustee should post for one secret election, derived from the committed state alone, so a trustee that
/// restarts (or runs elsewhere, through the API) picks up where the chain stands. Pure: the trustee's clock is a
/// parameter, and its dealing polynomial is derived from its key (<see cref="TrusteeKey.DealingPolynomial"/>).
/// The phase is judged at <c>nowUnixMs</c>; a step submitted a little early is refused by the rules and simply
/// planned again on the next call.
/// </summary>
public static class TrusteeDuties
{
    public static IReadOnlyList<TrusteeDuty> Due(TrusteeKey trustee, string chainId, ElectionRecord election,
        SecretRecord? secret, TallyRecord tally, long nowUnixMs) =>
        Plan(trustee, chainId, election, secret, tally, nowUnixMs).Duties;

    public static TrusteePlan Plan(TrusteeKey trustee, string chainId, ElectionRecord election,
        SecretRecord? secret, TallyRecord tally, long nowUnixMs)
    {
        var settings = election.Secret;
        var index = settings is null ? 0 : SecretSettings.TrusteeIndex(settings, trustee.PublicKey);
        if (settings is null || index == 0 || tally.ResultPublished)
        {
            return new TrusteePlan([], null);
        }

        secret ??= new SecretRecord();
        var electionId = election.Definition.ElectionId;
        var duties = new List<TrusteeDuty>();
        var problems = new List<string>();
        var status = KeyGenerationStatus.Evaluate(election, secret, nowUnixMs);
        switch (status.Phase)
        {
            case KeyGenerationPhase.Dealing when secret.Deals.All(d => d.Dealer != index):
                duties.Add(Duty(chainId, electionId, "deal", new TxPayload { KeyDeal = Deal(trustee, chainId, election, index, problems) }));
                break;
            case KeyGenerationPhase.Complaints or KeyGenerationPhase.Answers:
                if (status.Phase == KeyGenerationPhase.Complaints && secret.Acks.All(a => a.Trustee != index)
                    && (secret.Deals.Count == settings.Trustees.Count || nowUnixMs >= status.DealingEndsAtUnixMs + AckGraceMs(settings)))
                {
                    duties.Add(Duty(chainId, electionId, "ack", new TxPayload { KeyAck = Ack(trustee, electionId, secret, index) }));
                }

                duties.AddRange(Reveals(trustee, chainId, election, secret, index, problems)
                    .Select(r => Duty(chainId, electionId, "reveal", new TxPayload { KeyReveal = r })));
                break;
            case KeyGenerationPhase.Failed:
                problems.Add($"Key generation of election '{electionId}' failed: fewer than {settings.Threshold} dealers qualified.");
                break;
            case KeyGenerationPhase.Final when nowUnixMs >= election.Definition.ClosesAtUnixMs:
                if (secret.DecryptionShares.All(s => s.Trustee != index)
                    && TrusteeDecryption.Shares(trustee, chainId, election, secret, tally, status, index, problems) is { } shares)
                {
                    duties.Add(Duty(chainId, electionId, "decryption-shares", new TxPayload { DecryptionShares = shares }));
                }

                if (secret.DecryptionShares.Count >= settings.Threshold
                    && TrusteeDecryption.Result(election, secret, tally, problems) is { } result)
                {
                    duties.Add(Duty(chainId, electionId, "result", new TxPayload { PublishResult = result }));
                }

                break;
        }

        return new TrusteePlan(duties, problems.Count == 0 ? null : string.Join(" ", problems));
    }

    /// <summary>
    /// How long after the dealing deadline a trustee waits before acknowledging when not every trustee dealt: a
    /// deal in a block stamped just before the deadline can commit after the trustee's clock passed it, and an ack
    /// planned without it could not complain about it. A tenth of the key phase; the trustee's policy, not a rule.
    /// </summary>
    public static long AckGraceMs(SecretBallotSettings settings) => settings.KeyPhaseSeconds * 100L;

    private static TrusteeDuty Duty(string chainId, string electionId, string step, TxPayload payload)
    {
        payload.ChainId = chainId;
        return new TrusteeDuty(electionId, step, payload);
    }

    private static KeyGenerationDeal Deal(TrusteeKey trustee, string chainId, ElectionRecord election, uint index, List<string> problems)
    {
        var settings = election.Secret;
        var electionId = election.Definition.ElectionId;
        var polynomial = trustee.DealingPolynomial(chainId, electionId, (int)settings.Threshold);
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

    /// <summary>Opens every other dealer's share to this trustee and names those that fail their commitments.</summary>
    private static KeyGenerationAck Ack(TrusteeKey trustee, string electionId, SecretRecord secret, uint index)
    {
        var ack = new KeyGenerationAck { ElectionId = electionId };
        // Deals are stored in dealer order, so the complaints come out ascending as the rules require.
        foreach (var deal in secret.Deals.Where(d => d.Dealer != index))
        {
            if (!TrusteeDecryption.TryOpenShare(trustee, deal, index, out _))
            {
                ack.Complaints.Add(deal.Dealer);
            }
        }

        return ack;
    }

    /// <summary>Answers every unanswered complaint against this trustee with the share it dealt the complainer.</summary>
    private static IEnumerable<KeyGenerationReveal> Reveals(TrusteeKey trustee, string chainId, ElectionRecord election,
        SecretRecord secret, uint index, List<string> problems)
    {
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

        var polynomial = trustee.DealingPolynomial(chainId, electionId, (int)election.Secret.Threshold);
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
