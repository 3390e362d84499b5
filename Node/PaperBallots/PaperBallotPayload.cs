using System.Buffers.Text;
using System.Text;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;

namespace VoteChain.Node.PaperBallots;

/// <summary>
/// What a paper ballot's QR code holds: the one-time credential's Ed25519 seed and the chain and election it votes in.
/// The bytes are <c>"VCPB" version len(chain) chain len(election) election seed[32]</c>, written in the QR code as
/// base64url without padding (plain ASCII, so no reader has to guess a character set). One layout, strictly parsed:
/// exact lengths, the ids' own charsets, no trailing byte, only the canonical base64url text.
/// </summary>
internal sealed record PaperBallotPayload(string ChainId, string ElectionId, byte[] Seed)
{
    /// <summary>The one layout version this code writes and reads; another is refused by name.</summary>
    public const byte Version = 1;

    /// <summary>Longest QR text a valid payload makes (4 + 1 + 1 + 64 + 1 + 64 + 32 bytes, base64url): anything longer is refused unread.</summary>
    public const int MaxTextLength = 223;

    private const int MaxIdLength = 64;

    /// <summary>Magic bytes: this QR code is a VoteChain paper ballot, not any other QR code a scanner meets.</summary>
    private static readonly byte[] Magic = "VCPB"u8.ToArray();

    /// <summary>The QR text: base64url of the canonical bytes.</summary>
    public string Encode()
    {
        Check(ChainId, ElectionId, Seed);
        var chain = Encoding.ASCII.GetBytes(ChainId);
        var election = Encoding.ASCII.GetBytes(ElectionId);
        var bytes = new List<byte>(Magic.Length + 3 + chain.Length + election.Length + Ed25519KeyPair.SeedSize);
        bytes.AddRange(Magic);
        bytes.Add(Version);
        bytes.Add((byte)chain.Length);
        bytes.AddRange(chain);
        bytes.Add((byte)election.Length);
        bytes.AddRange(election);
        bytes.AddRange(Seed);
        return Base64Url.EncodeToString([.. bytes]);
    }

    /// <summary>Parses a QR code's text; a text that is not exactly a payload of this layout is a one-line error.</summary>
    public static PaperBallotPayload Decode(string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw Refused($"it holds {text.Length} characters, more than a ballot's {MaxTextLength}");
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            throw Refused("it is not base64url text");
        }

        // The decoder forgives padding, whitespace and stray low bits; only the one canonical spelling is a ballot.
        if (!string.Equals(Base64Url.EncodeToString(bytes), text, StringComparison.Ordinal))
        {
            throw Refused("it is not canonical base64url text");
        }

        var reader = new Reader(bytes);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic))
        {
            throw Refused("it is not a VoteChain paper ballot");
        }

        var version = reader.Take(1)[0];
        if (version != Version)
        {
            throw Refused($"its layout version is {version}; this votechain reads version {Version}");
        }

        var chainId = reader.Id("chain id");
        var electionId = reader.Id("election id");
        var seed = reader.Take(Ed25519KeyPair.SeedSize).ToArray();
        if (!reader.AtEnd)
        {
            throw Refused("it has bytes after the key");
        }

        Check(chainId, electionId, seed);
        return new PaperBallotPayload(chainId, electionId, seed);
    }

    private static void Check(string chainId, string electionId, byte[] seed)
    {
        if (!GenesisValidator.IsValidChainId(chainId))
        {
            throw Refused($"its chain id '{Printable(chainId)}' is not a valid chain id");
        }

        if (!Consensus.Rules.ElectionIds.IsValid(electionId))
        {
            throw Refused($"its election id '{Printable(electionId)}' is not a valid election id");
        }

        if (seed.Length != Ed25519KeyPair.SeedSize)
        {
            throw Refused($"its key is {seed.Length} bytes, not {Ed25519KeyPair.SeedSize}");
        }
    }

    private static UserInputException Refused(string why) => new($"the QR code is not a valid paper ballot: {why}");

    /// <summary>Only printable ASCII of an id goes into an error line (the id came from an untrusted QR code).</summary>
    private static string Printable(string id) => new([.. id.Take(MaxIdLength).Select(c => c is >= ' ' and <= '~' ? c : '?')]);

    /// <summary>Reads the payload front to back; running out of bytes is a truncated ballot.</summary>
    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public bool AtEnd => _at == bytes.Length;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (bytes.Length - _at < count)
            {
                throw Refused("it is cut short");
            }

            var span = bytes.AsSpan(_at, count);
            _at += count;
            return span;
        }

        public string Id(string what)
        {
            var length = Take(1)[0];
            if (length is 0 or > MaxIdLength)
            {
                throw Refused($"its {what} length {length} is not 1 to {MaxIdLength}");
            }

            var raw = Take(length);
            foreach (var b in raw)
            {
                if (b is < 0x21 or > 0x7e)
                {
                    throw Refused($"its {what} holds a byte that is not printable ASCII");
                }
            }

            return Encoding.ASCII.GetString(raw);
        }
    }
}
