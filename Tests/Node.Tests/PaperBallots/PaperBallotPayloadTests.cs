using System.Buffers.Text;
using System.Text;
using VoteChain.Node.PaperBallots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>The QR payload: what print writes is read back exactly, and every other text is refused with one line.</summary>
public sealed class PaperBallotPayloadTests
{
    private static readonly byte[] Seed = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Test]
    public void A_payload_round_trips_exactly()
    {
        var payload = new PaperBallotPayload("devnet", "City-2026_mayor.v2", Seed);
        var decoded = PaperBallotPayload.Decode(payload.Encode());
        Assert.Multiple(() =>
        {
            Assert.That(decoded.ChainId, Is.EqualTo("devnet"));
            Assert.That(decoded.ElectionId, Is.EqualTo("City-2026_mayor.v2"));
            Assert.That(decoded.Seed, Is.EqualTo(Seed));
        });
    }

    [Test]
    public void The_longest_ids_fit_the_bound_the_scanner_enforces()
    {
        var text = new PaperBallotPayload(new string('c', 64), new string('E', 64), Seed).Encode();
        Assert.That(text, Has.Length.EqualTo(PaperBallotPayload.MaxTextLength));
        Assert.That(PaperBallotPayload.Decode(text).ElectionId, Is.EqualTo(new string('E', 64)));
    }

    private static string Text(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static byte[] Raw(string magic = "VCPB", byte version = 1, string chain = "devnet", string election = "walk", int seed = 32,
        byte[]? trailing = null) =>
        [.. Encoding.ASCII.GetBytes(magic), version, (byte)chain.Length, .. Encoding.Latin1.GetBytes(chain), (byte)election.Length,
            .. Encoding.Latin1.GetBytes(election), .. new byte[seed], .. trailing ?? []];

    private static IEnumerable<TestCaseData> Malformed()
    {
        yield return new TestCaseData("", "cut short").SetName("empty text");
        yield return new TestCaseData(new string('A', PaperBallotPayload.MaxTextLength + 1), "more than").SetName("longer than any ballot");
        yield return new TestCaseData("https://example.org/vote?x=1", "not base64url").SetName("a URL, not a ballot");
        yield return new TestCaseData(Text(Raw()) + "=", "base64url").SetName("padding added");
        yield return new TestCaseData(" " + Text(Raw()), "base64url").SetName("leading space");
        yield return new TestCaseData(Convert.ToBase64String([.. Raw(), 0xFF, 0xFF, 0xFF]), "base64url").SetName("standard base64 alphabet");
        yield return new TestCaseData(Text(Raw(magic: "VCPX")), "not a VoteChain paper ballot").SetName("other magic");
        yield return new TestCaseData(Text(Raw(version: 2)), "layout version is 2").SetName("unknown layout version");
        yield return new TestCaseData(Text(Raw(chain: "")), "chain id length 0").SetName("empty chain id");
        yield return new TestCaseData(Text(Raw(chain: "Devnet")), "not a valid chain id").SetName("chain id with capitals");
        yield return new TestCaseData(Text(Raw(election: "walk 2")), "not printable ASCII").SetName("election id with a space");
        yield return new TestCaseData(Text(Raw(election: "wälk")), "not printable ASCII").SetName("election id with a Latin-1 letter");
        yield return new TestCaseData(Text(Raw(election: "walk/2")), "not a valid election id").SetName("election id with a slash");
        yield return new TestCaseData(Text(Raw(seed: 31)), "cut short").SetName("key one byte short");
        yield return new TestCaseData(Text(Raw(trailing: [0])), "bytes after the key").SetName("a byte after the key");
        yield return new TestCaseData(Text([.. Raw().Take(6)]), "cut short").SetName("cut inside the chain id");
    }

    [TestCaseSource(nameof(Malformed))]
    public void A_malformed_payload_is_refused_with_one_line(string text, string reason)
    {
        var e = Assert.Throws<UserInputException>(() => PaperBallotPayload.Decode(text))!;
        Assert.That(e.Message, Does.StartWith("the QR code is not a valid paper ballot: ").And.Contain(reason));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void A_chain_id_length_byte_beyond_the_bound_is_refused_before_reading_it()
    {
        byte[] raw = [.. "VCPB"u8, 1, 200, .. new byte[120]];
        Assert.That(() => PaperBallotPayload.Decode(Text(raw)), Throws.TypeOf<UserInputException>().With.Message.Contain("length 200 is not 1 to 64"));
    }

    [Test]
    public void Printing_refuses_ids_and_keys_the_scanner_would_refuse()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new PaperBallotPayload("devnet", "no spaces", Seed).Encode(), Throws.TypeOf<UserInputException>());
            Assert.That(() => new PaperBallotPayload("UPPER", "walk", Seed).Encode(), Throws.TypeOf<UserInputException>());
            Assert.That(() => new PaperBallotPayload("devnet", "walk", new byte[31]).Encode(), Throws.TypeOf<UserInputException>());
        });
    }

    [Test]
    public void A_ballot_code_is_three_groups_of_unambiguous_letters_and_differs_per_key()
    {
        var a = BallotCode.Of(new byte[32]);
        var b = BallotCode.Of([.. new byte[31], 1]);
        Assert.That(a, Does.Match("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"));
        Assert.That(b, Is.Not.EqualTo(a));
        Assert.That(BallotCode.Of(new byte[32]), Is.EqualTo(a));
    }
}
