using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// What an authority and the issuers could try, with their logs and the whole chain, to tell which credential is
/// whose: the bytes the two sides share, the sizes of registrations, and their heights against the poll book's.
/// Each join returns the identities a registration could belong to; anonymity holds when that is every identity of
/// its weight that every issuer served.
/// </summary>
internal sealed class AnonymityJoins(IReadOnlyList<(ulong Height, CredentialServed Entry)> pollBook,
    IReadOnlyList<(ulong Height, byte[] Envelope, RegisterAnonymousCredential Registration)> registrations,
    IReadOnlyDictionary<string, ulong> weightOfIdentity)
{
    /// <summary>Byte strings a poll book entry or the issuer's log holds about an identity (the identity key, its request).</summary>
    public static IEnumerable<byte[]> Secrets(CredentialServed entry) =>
        [entry.Identity.ToByteArray(), entry.RequestHash.ToByteArray(), entry.RequestSignature.ToByteArray()];

    /// <summary>Registrations whose bytes contain 16 or more bytes of anything the poll book says about an identity.</summary>
    public IReadOnlyList<string> SharedBytes()
    {
        var found = new List<string>();
        foreach (var (_, envelope, _) in registrations)
        {
            foreach (var (_, entry) in pollBook)
            {
                foreach (var secret in Secrets(entry))
                {
                    for (var start = 0; start + 16 <= secret.Length; start += 16)
                    {
                        if (envelope.AsSpan().IndexOf(secret.AsSpan(start, 16)) >= 0)
                        {
                            found.Add($"a registration holds bytes of identity {Convert.ToHexStringLower(entry.Identity.Span)[..16]}");
                        }
                    }
                }
            }
        }

        return found;
    }

    /// <summary>Registration sizes by weight: one size per weight means a size tells nothing the weight does not.</summary>
    public IReadOnlyDictionary<ulong, int[]> SizesByWeight() =>
        registrations.GroupBy(r => Math.Max(1, r.Registration.Weight))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Envelope.Length).Distinct().ToArray());

    /// <summary>
    /// The timing join, per registration (in chain order): the identities of its weight whose service (every issuer's
    /// entry) committed before it and since the previous registration. Were registering open while issuing, "served
    /// just before" would often single out one voter; once issuing is over before anyone registers, the first
    /// registration of a weight could be any voter of that weight, and the others say nothing more.
    /// </summary>
    public IReadOnlyList<(ulong Weight, int Candidates)> CandidatesByTime()
    {
        // Only entries every issuer served can back a credential.
        var issuers = pollBook.Count == 0 ? 0 : pollBook.GroupBy(p => Convert.ToHexStringLower(p.Entry.Identity.Span)).Max(g => g.Count());
        var servedAt = pollBook.GroupBy(p => Convert.ToHexStringLower(p.Entry.Identity.Span))
            .Where(g => g.Count() == issuers)
            .ToDictionary(g => g.Key, g => g.Max(p => p.Height));
        var candidates = new List<(ulong, int)>();
        foreach (var group in registrations.GroupBy(r => Math.Max(1, r.Registration.Weight)))
        {
            var previous = 0UL;
            foreach (var (height, _, _) in group.OrderBy(r => r.Height))
            {
                candidates.Add((group.Key, servedAt.Count(s => weightOfIdentity[s.Key] == group.Key && s.Value < height && s.Value >= previous)));
                previous = height;
            }
        }

        return candidates;
    }
}
