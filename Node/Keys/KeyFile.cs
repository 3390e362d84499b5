using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Files;

namespace VoteChain.Node.Keys;

/// <summary>Saves and loads an Ed25519 key pair as a small JSON file readable only by its owner (mode 0600).</summary>
public static class KeyFile
{
    public const string KeyType = "ed25519";
    private const string What = "key file";

    /// <summary>Writes a new key file; refuses to overwrite one, since that would destroy a key for good.</summary>
    public static void Save(string path, Ed25519KeyPair key)
    {
        var json = new KeyFileJson(KeyType, HexInput.Format(key.PublicKey), HexInput.Format(key.ExportSeed()));
        var text = JsonSerializer.Serialize(json, KeyFileJsonContext.Default.KeyFileJson) + "\n";
        SafeFile.CreateNew(path, text, isPrivate: true, What);
    }

    /// <summary>Loads a key file (or the key of an anonymous credential file); one readable or writable by group or others is refused (<see cref="KeyFileMode"/>).</summary>
    public static Ed25519KeyPair Load(string path) => FromText(KeyFileMode.ReadPrivate(path, What), path);

    /// <summary>
    /// The key in a key file's text (<paramref name="path"/> only names it in errors). Untrusted text gets a
    /// <see cref="UserInputException"/> and nothing else: the fuzzer holds it to that.
    /// </summary>
    public static Ed25519KeyPair FromText(string text, string path)
    {
        if (Anonymous.CredentialFile.IsCredential(text))
        {
            // An anonymous credential holds its key like a key file does: it votes with `vote --key` as it is.
            return Anonymous.CredentialFile.Parse(path, text).Key(path);
        }

        var json = Parse(path, text);
        if (json.Type != KeyType)
        {
            throw new UserInputException($"{What} {path} has key type '{json.Type}', expected '{KeyType}'");
        }

        var seed = HexInput.Parse(json.PrivateSeed, $"private_seed in {path}", Ed25519KeyPair.SeedSize);
        var publicKey = HexInput.Parse(json.PublicKey, $"public_key in {path}", Ed25519.PublicKeySize);
        var key = Ed25519KeyPair.FromSeed(seed);
        if (!key.PublicKey.AsSpan().SequenceEqual(publicKey))
        {
            key.Dispose();
            throw new UserInputException($"{What} {path} is inconsistent: public_key does not belong to private_seed");
        }

        return key;
    }

    private static KeyFileJson Parse(string path, string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, KeyFileJsonContext.Default.KeyFileJson)
                ?? throw new UserInputException($"{What} {path} holds null instead of a key");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{What} {path} is not a valid key file: {e.Message}", e);
        }
    }
}
