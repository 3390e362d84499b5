using System.Text.Json.Serialization;

namespace VoteChain.Node.Keys;

/// <summary>
/// The on-disk form of a key file:
/// <code>{ "type": "ed25519", "public_key": "&lt;64 hex&gt;", "private_seed": "&lt;64 hex&gt;" }</code>
/// The public key is redundant with the seed; it is stored so an operator can read it without tools, and
/// checked on load so a file edited by hand cannot silently sign as somebody else.
/// </summary>
internal sealed record KeyFileJson(string Type, string PublicKey, string PrivateSeed);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(KeyFileJson))]
internal sealed partial class KeyFileJsonContext : JsonSerializerContext;
