using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Anonymous;

/// <summary>
/// The one home of an anonymous election's settings: their defaults and bounds, the resolved form the election record
/// keeps, and the questions the rules ask of them (which issuer is this, is issuing or registering open).
/// </summary>
public static class AnonymousElection
{
    /// <summary>Every issuer signs every credential: a few are enough to spread the trust, and each adds ~50 µs and 424 bytes.</summary>
    public const int MaxIssuers = 8;

    /// <summary>
    /// Resolves and checks the settings of a new anonymous election created at block time
    /// <paramref name="createdAtUnixMs"/>. Issuing runs from the creation until the opening unless the authority sets
    /// another time, and registering never starts before issuing is over: were a credential to register in the block
    /// after its voter was served, the two would be linked by their heights alone; and once registering starts the
    /// roll is closed, so the authority cannot put a pending credential's key on the roll to shut it out
    /// (docs/ANONYMITY.md). Returns the problem, or null.
    /// </summary>
    public static string? TryResolve(AnonymousSettings requested, CreateElection create, long createdAtUnixMs,
        out AnonymousSettings resolved)
    {
        resolved = requested.Clone();
        var n = resolved.Issuers.Count;
        if (n is < 1 or > MaxIssuers)
        {
            return $"An anonymous election names 1 to {MaxIssuers} issuers, not {n}.";
        }

        if (Crypto.Ed25519.KeyListProblem(resolved.Issuers, "issuer") is { } keyProblem)
        {
            return keyProblem;
        }

        if (resolved.IssuingClosesAtUnixMs == 0)
        {
            resolved.IssuingClosesAtUnixMs = create.OpensAtUnixMs;
        }

        if (resolved.RegistrationOpensAtUnixMs == 0)
        {
            resolved.RegistrationOpensAtUnixMs = resolved.IssuingClosesAtUnixMs;
        }

        if (resolved.IssuingClosesAtUnixMs <= createdAtUnixMs)
        {
            return "Issuing credentials must close after the election is created: it closes at the opening unless set, so open " +
                "the election later or set when issuing closes.";
        }

        if (resolved.RegistrationOpensAtUnixMs < resolved.IssuingClosesAtUnixMs)
        {
            return "Registering credentials may not open before issuing closes: the two would be linked by their timing.";
        }

        return resolved.RegistrationOpensAtUnixMs >= create.ClosesAtUnixMs
            ? "Registering credentials must open before the election closes."
            : null;
    }

    /// <summary>True while the roll may still change: until issuing closes (after that nothing could serve a new entry).</summary>
    public static bool RollOpen(AnonymousSettings settings, long blockTimeUnixMs) => blockTimeUnixMs < settings.IssuingClosesAtUnixMs;

    /// <summary>The issuer's index in the election's order, or -1 when the key is not one of its issuers.</summary>
    public static int IssuerIndex(AnonymousSettings settings, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < settings.Issuers.Count; i++)
        {
            if (settings.Issuers[i].Span.SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A roll entry's served marks: one empty entry per issuer.</summary>
    public static IEnumerable<ByteString> NoneServed(AnonymousSettings settings) =>
        Enumerable.Repeat(ByteString.Empty, settings.Issuers.Count);

    /// <summary>True once every issuer of the election served this roll entry.</summary>
    public static bool ServedByAll(CredentialRecord rollEntry) =>
        rollEntry.ServedRequests.Count > 0 && rollEntry.ServedRequests.All(r => !r.IsEmpty);

    /// <summary>True once any issuer served this roll entry: from then on it cannot be revoked (its credential is out).</summary>
    public static bool ServedByAny(CredentialRecord rollEntry) => rollEntry.ServedRequests.Any(r => !r.IsEmpty);
}
