using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The encrypted sums of a secret election's tally: parsing them from state and moving a ballot's ciphertexts in or
/// out. Exponential ElGamal is additively homomorphic, so the sum of the counted ballots' ciphertexts encrypts the
/// sum of their weights per option; a revote or a revocation subtracts exactly what its ballot once added.
/// </summary>
internal static class EncryptedTally
{
    /// <summary>
    /// Stored ciphertexts, parsed. Everything stored passed canonical parsing (or is a sum of such), so a failure here
    /// means corrupted state, not bad input: it throws rather than turning into a rejection.
    /// </summary>
    public static Ciphertext[] Parse(IReadOnlyList<ByteString> stored, string what)
    {
        var parsed = new Ciphertext[stored.Count];
        for (var i = 0; i < stored.Count; i++)
        {
            if (!Ciphertext.TryParse(stored[i].Span, out parsed[i]))
            {
                throw new InvalidOperationException($"State holds a malformed ciphertext at option {i} of {what}.");
            }
        }

        return parsed;
    }

    /// <summary>The tally's sums minus <paramref name="removed"/> (a ballot's stored ciphertexts) plus <paramref name="added"/>.</summary>
    public static void Move(TallyRecord tally, IReadOnlyList<ByteString>? removed, IReadOnlyList<Ciphertext>? added)
    {
        var sums = Parse(tally.OptionCiphertexts, "the tally");
        var minus = removed is null ? null : Parse(removed, "a counted ballot");
        if (minus is not null && minus.Length != sums.Length || added is not null && added.Count != sums.Length)
        {
            throw new InvalidOperationException("A ballot's ciphertexts do not match the tally's options.");
        }

        for (var i = 0; i < sums.Length; i++)
        {
            var sum = sums[i];
            if (minus is not null)
            {
                sum = sum.Subtract(minus[i]);
            }

            if (added is not null)
            {
                sum = sum.Add(added[i]);
            }

            tally.OptionCiphertexts[i] = ByteString.CopyFrom(sum.ToArray());
        }
    }
}
