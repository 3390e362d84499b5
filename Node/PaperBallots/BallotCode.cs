using VoteChain.Consensus.Crypto;

namespace VoteChain.Node.PaperBallots;

/// <summary>
/// The short code printed under a ballot's QR code and shown by the scanner, e.g. <c>K7QF-2M9X-PA4C</c>: 60 bits of
/// SHA-256("votechain/v1/paper-ballot-code" 0x00 public key) in Crockford base32 (no I, L, O or U to misread), so a
/// human can match a paper ballot with the authority's list and the scanner's output. It names a ballot; it proves
/// nothing (the public key in the records does).
/// </summary>
internal static class BallotCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Groups = 3;
    private const int GroupLength = 4;
    private static readonly byte[] Domain = "votechain/v1/paper-ballot-code\0"u8.ToArray();

    public static string Of(ReadOnlySpan<byte> publicKey)
    {
        var hash = Hashing.Sha256([.. Domain, .. publicKey]);
        var bits = 0UL;
        for (var i = 0; i < 8; i++)
        {
            bits = (bits << 8) | hash[i];
        }

        var chars = new List<char>(Groups * (GroupLength + 1));
        for (var i = 0; i < Groups * GroupLength; i++)
        {
            if (i > 0 && i % GroupLength == 0)
            {
                chars.Add('-');
            }

            chars.Add(Alphabet[(int)(bits >> (59 - (5 * i))) & 31]);
        }

        return new string([.. chars]);
    }
}
