using System.Security.Cryptography;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Secret;

namespace VoteChain.Node.Keys;

/// <summary>
/// A node's trustee key: an Ed25519 key of its own, in the same file format and mode as the node key, used only for
/// secret-ballot trustee duties. Kept apart from the node key so that a trustee role can be handed on, or a
/// compromised node key replaced, without touching the other.
/// </summary>
public static class TrusteeKeyFile
{
    /// <summary>Where <c>init</c> puts it, relative to the home: beside config/node_key.json.</summary>
    public const string DefaultRelativePath = "config/trustee.key";

    public static string DefaultPath(string home) => Path.Combine(home, "config", "trustee.key");

    /// <summary>Creates a new trustee key file (mode 0600, never overwriting one) and returns its public key.</summary>
    public static byte[] Create(string path)
    {
        if (File.Exists(path))
        {
            throw new UserInputException($"{path} already holds a trustee key; refusing to overwrite it (a trustee key named in an election cannot be replaced)");
        }

        using var key = Ed25519KeyPair.Generate();
        KeyFile.Save(path, key);
        return key.PublicKey;
    }

    /// <summary>Loads a trustee key file with the same checks as any key file (owner-only mode, consistent halves).</summary>
    public static TrusteeKey Load(string path)
    {
        using var key = KeyFile.Load(path);
        var seed = key.ExportSeed();
        try
        {
            return TrusteeKey.FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }
}
