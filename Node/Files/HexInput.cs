using VoteChain.Consensus.Crypto;

namespace VoteChain.Node.Files;

/// <summary>Hex text typed or stored by operators, turned into bytes with errors that name what was wrong.</summary>
public static class HexInput
{
    /// <param name="text">The hex text; upper or lower case, no prefix.</param>
    /// <param name="what">What the bytes are, for the error message (e.g. "public key").</param>
    /// <param name="size">The exact number of bytes expected.</param>
    public static byte[] Parse(string text, string what, int size)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UserInputException($"{what} is not valid hex: '{Shorten(text)}'");
        }

        if (bytes.Length != size)
        {
            throw new UserInputException($"{what} must be {size} bytes ({size * 2} hex digits), got {bytes.Length} bytes");
        }

        return bytes;
    }

    /// <summary>Parses a 32-byte Ed25519 public key and checks it is a point a signature could verify against.</summary>
    public static byte[] PublicKey(string text, string what)
    {
        var key = Parse(text, what, Ed25519.PublicKeySize);
        if (!Ed25519.IsWellFormedPublicKey(key))
        {
            throw new UserInputException($"{what} is not a valid Ed25519 public key: {text}");
        }

        return key;
    }

    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    // Echoing a whole pasted blob back would drown the one-line error.
    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
