using System.Text.Json;
using VoteChain.Node.Files;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// An issuer's public file, what <c>issuer init</c> writes beside the key and an authority names with
/// <c>election create --issuer</c>: <c>{ "type": "votechain-issuer", "issuer_key": "&lt;64 hex&gt;" }</c>.
/// </summary>
internal sealed record IssuerPublicFile(string Type, string IssuerKey)
{
    public const string Kind = "votechain-issuer";

    /// <summary>The issuer's Ed25519 public key from its public file; a one-line error for anything else.</summary>
    public static byte[] Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read issuer public file {path}: {e.Message}", e);
        }

        IssuerPublicFile? file;
        try
        {
            file = JsonSerializer.Deserialize<IssuerPublicFile>(text, IssuerProtocol.Json);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path} is not an issuer public file (from `votechain issuer init`): {e.Message}", e);
        }

        return file is { Type: Kind }
            ? HexInput.PublicKey(file.IssuerKey, $"issuer_key in {path}")
            : throw new UserInputException($"{path} is not an issuer public file (type '{file?.Type}', expected '{Kind}')");
    }
}
