using System.Text.Json;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Anonymous;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Bytes and files the node would refuse are refused by the page library too, rather than read some other way:
/// protobuf whose strings are not UTF-8 or whose packed numbers run past their length (Google.Protobuf throws),
/// and credential files whose issuers' parts are not what `credential request` writes (CredentialFile.Parse).
/// </summary>
[NonParallelizable]
public sealed class WebLibStrictInputTests
{
    private WebLibTool _tool = null!;

    [OneTimeSetUp]
    public void StartTheLibrary() => _tool = WebLibTool.Start();

    [OneTimeTearDown]
    public void Stop() => _tool.Dispose();

    // chain_id = 'a', 0xFF, 'b': 0xFF is never UTF-8. Decoded leniently it would read as 'a\uFFFDb' and a header of
    // chain "a\uFFFDb" would compare equal to bytes the node never accepted.
    [Test]
    public void A_string_that_is_not_UTF8_is_refused_as_Google_Protobuf_refuses_it()
    {
        byte[] header = [0x0a, 0x03, 0x61, 0xff, 0x62];

        Assert.That(() => BlockHeader.Parser.ParseFrom(header), Throws.InstanceOf<InvalidProtocolBufferException>());
        Assert.That(_tool.Error(new { op = "decode", type = "BlockHeader", bytes = Convert.ToHexStringLower(header) }), Does.Contain("UTF-8"));
    }

    // complaints (field 2, packed) declared 1 byte long, holding a varint of 2 bytes (0x81 0x01) that runs into the
    // next field.
    [Test]
    public void A_packed_field_whose_numbers_run_past_its_length_is_refused_as_Google_Protobuf_refuses_it()
    {
        byte[] ack = [0x12, 0x01, 0x81, 0x01, 0x18, 0x05];

        Assert.That(() => KeyGenerationAck.Parser.ParseFrom(ack), Throws.InstanceOf<InvalidProtocolBufferException>());
        Assert.That(_tool.Error(new { op = "decode", type = "KeyGenerationAck", bytes = Convert.ToHexStringLower(ack) }), Does.Contain("packed"));
    }

    [Test]
    public void Packed_numbers_within_their_length_and_valid_UTF8_still_decode()
    {
        var ack = new KeyGenerationAck { ElectionId = "élection-✓", Complaints = { 1, 300, uint.MaxValue }, CheckedDealers = { 2 } };

        var decoded = _tool.Result(new { op = "decode", type = "KeyGenerationAck", bytes = Convert.ToHexStringLower(ack.ToByteArray()) });

        Assert.That(decoded["electionId"]!.GetValue<string>(), Is.EqualTo("élection-✓"));
        Assert.That(decoded["complaints"]!.AsArray().Select(c => c!.GetValue<uint>()), Is.EqualTo(new[] { 1u, 300u, uint.MaxValue }));
        Assert.That(decoded["checkedDealers"]!.AsArray().Select(c => c!.GetValue<uint>()), Is.EqualTo(new[] { 2u }));
    }

    private static IEnumerable<TestCaseData> DamagedIssuers()
    {
        var signed = new CredentialIssuerPart("aa", "bb", "cc", Signature: "dd");
        yield return Damaged("nine issuers (at most eight)", [.. Enumerable.Repeat(signed, 9)]);
        yield return Damaged("an issuer signature that is not hex", [signed with { Signature = "not hex!" }]);
        yield return Damaged("an issuer key of odd length", [signed with { IssuerKey = "abc" }]);
        yield return Damaged("an issuer with no weight key", [signed with { WeightKey = null! }]);
        yield return Damaged("an issuer with no prefix", [signed with { Prefix = null! }]);
    }

    [TestCaseSource(nameof(DamagedIssuers))]
    public void A_credential_file_with_damaged_issuers_is_refused_as_the_CLI_refuses_it(string text)
    {
        // The CLI refuses a missing (null) field when it parses the JSON, the rest once it has read the parts: either way
        // a one-line refusal naming the file.
        Assert.That(() => CredentialFile.Parse("c.credential", text), Throws.InstanceOf<UserInputException>()
            .With.Message.Match("^credential file c\\.credential (is damaged|is not a valid credential file)"));
        var refusal = _tool.Error(new { op = "credential", text });
        Assert.That(refusal, Is.EqualTo("The credential file is damaged: its issuers' parts are not what `credential request` writes."));
    }

    [Test]
    public void Eight_signed_issuers_are_accepted_and_the_credential_names_its_chain()
    {
        var text = CredentialText("votechain-test", [.. Enumerable.Repeat(new CredentialIssuerPart("aa", "bb", "cc", Signature: "dd"), 8)]);

        Assert.That(() => CredentialFile.Parse("c.credential", text), Throws.Nothing);
        Assert.That(_tool.Result(new { op = "credential", text })["chainId"]!.GetValue<string>(), Is.EqualTo("votechain-test"));
    }

    /// <summary>An anonymous credential file as `credential request` writes it, with the given issuers' parts.</summary>
    private static string CredentialText(string chainId, List<CredentialIssuerPart> issuers)
    {
        using var key = Ed25519KeyPair.Generate();
        var content = new CredentialFileJson(CredentialFile.Type, Convert.ToHexStringLower(key.PublicKey), Convert.ToHexStringLower(key.ExportSeed()),
            chainId, "shareholders-2026", 1, issuers);
        return JsonSerializer.Serialize(content, IssuerProtocol.Json);
    }

    private static TestCaseData Damaged(string name, List<CredentialIssuerPart> issuers) =>
        new(CredentialText("votechain-test", issuers)) { TestName = $"A credential file with {name} is refused" };
}
