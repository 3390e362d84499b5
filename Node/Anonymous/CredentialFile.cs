using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// A voter's anonymous credential: its Ed25519 key (so <c>vote --key</c> takes the file as it is), the election and
/// weight, and per issuer the key it signed with and, once finalized, its signature. While a request is in flight the
/// file also keeps the blinded message and the unblinding secret, so a voter whose answer was lost asks again with
/// the same message rather than being refused as already served; both are dropped once the signature is final,
/// because together with the issuer's log they would link the credential to the voter. The file never names the
/// voter's identity. Private (0600), like every key file.
/// </summary>
internal sealed class CredentialFile
{
    public const string Type = "votechain-credential";
    private const string What = "credential file";

    private static readonly JsonSerializerOptions Json = new(IssuerProtocol.Json) { WriteIndented = true };

    public CredentialFile(CredentialFileJson content) => Content = content;

    public CredentialFileJson Content { get; private set; }

    public bool IsComplete => Content.Issuers.Count > 0 && Content.Issuers.All(i => i.Signature is not null);

    /// <summary>True when <paramref name="text"/> is a credential file rather than a plain key file.</summary>
    public static bool IsCredential(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String
                && type.GetString() == Type;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static CredentialFile Load(string path) => Parse(path, KeyFileMode.ReadPrivate(path, What));

    public static CredentialFile Parse(string path, string text)
    {
        CredentialFileJson? content;
        try
        {
            content = JsonSerializer.Deserialize<CredentialFileJson>(text, Json);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{What} {path} is not a valid credential file: {e.Message}", e);
        }

        if (content is null || content.Type != Type)
        {
            throw new UserInputException($"{What} {path} is not a credential file (type '{content?.Type}', expected '{Type}')");
        }

        using var key = KeyOf(content, path);
        if (content.Issuers is null || content.Issuers.Count > AnonymousElection.MaxIssuers || content.Issuers.Any(p => !WellFormed(p)))
        {
            throw new UserInputException($"{What} {path} is damaged: its issuers' parts are not what `credential request` writes");
        }

        return new CredentialFile(content);
    }

    private static bool WellFormed(CredentialIssuerPart? part) =>
        part is not null && IsHex(part.IssuerKey) && IsHex(part.WeightKey) && IsHex(part.Prefix)
        && IsHex(part.BlindedMessage ?? "") && IsHex(part.Inverse ?? "") && IsHex(part.Signature ?? "");

    private static bool IsHex(string? text) => text is not null && text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit);

    /// <summary>The credential's key pair, checked against the public key the file states.</summary>
    public Ed25519KeyPair Key(string path) => KeyOf(Content, path);

    /// <summary>
    /// Writes the file durably (temporary file, fsync, rename, fsync of the folder), mode 0600: it is saved before a
    /// blinded request leaves, and a power loss must not take back what was sent.
    /// </summary>
    public void Update(CredentialFileJson content, string path)
    {
        var text = JsonSerializer.Serialize(content, Json) + "\n";
        try
        {
            Storage.Signing.DurableFile.Replace(path, System.Text.Encoding.UTF8.GetBytes(text));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write {What} {path}: {e.Message}", e);
        }

        Content = content;
    }

    private static Ed25519KeyPair KeyOf(CredentialFileJson content, string path)
    {
        var seed = HexInput.Parse(content.PrivateSeed, $"private_seed in {path}", Ed25519KeyPair.SeedSize);
        var publicKey = HexInput.Parse(content.PublicKey, $"public_key in {path}", Ed25519.PublicKeySize);
        var key = Ed25519KeyPair.FromSeed(seed);
        if (!key.PublicKey.AsSpan().SequenceEqual(publicKey))
        {
            key.Dispose();
            throw new UserInputException($"{What} {path} is inconsistent: public_key does not belong to private_seed");
        }

        return key;
    }
}

internal sealed record CredentialFileJson(string Type, string PublicKey, string PrivateSeed, string ChainId, string ElectionId,
    ulong Weight, List<CredentialIssuerPart> Issuers);

/// <summary>One issuer's part of a credential: pending (blinded message and unblinding secret kept) or final (signature).</summary>
internal sealed record CredentialIssuerPart(string IssuerKey, string WeightKey, string Prefix, string? BlindedMessage = null,
    string? Inverse = null, string? Signature = null);
