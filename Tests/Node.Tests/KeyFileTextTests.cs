using System.Text.Json;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Tests;

/// <summary>
/// Key and credential file text with fields missing or null: the loader must refuse it with its one-line error, not an
/// ArgumentNullException from deep inside (the fuzz review found `{"type":"votechain-credential"}` did that).
/// </summary>
public sealed class KeyFileTextTests
{
    [TestCase("""{"type":"votechain-credential"}""")]
    [TestCase("""{"type":"votechain-credential","public_key":null,"private_seed":null,"chain_id":"c","election_id":"e","weight":1,"issuers":[]}""")]
    [TestCase("""{"type":"ed25519"}""")]
    [TestCase("""{"type":"ed25519","public_key":null,"private_seed":null}""")]
    [TestCase("""{"type":null,"public_key":"00","private_seed":"00"}""")]
    public void A_key_file_with_fields_missing_or_null_is_refused_with_the_loaders_error(string text)
    {
        Assert.That(() => KeyFile.FromText(text, "broken.key"), Throws.TypeOf<UserInputException>().With.Message.Contains("broken.key"));
    }

    [TestCase("""{}""")]
    [TestCase("""{"election_id":"e","identity":"i","blinded_message":null,"request_signature":"00"}""")]
    public void An_issuer_request_with_fields_missing_or_null_does_not_parse(string body)
    {
        Assert.That(() => JsonSerializer.Deserialize<SignRequest>(body, IssuerProtocol.Json), Throws.InstanceOf<JsonException>());
    }
}
