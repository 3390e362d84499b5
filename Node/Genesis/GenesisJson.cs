using System.Text.Json.Serialization;

namespace VoteChain.Node.Genesis;

/// <summary>
/// The readable form of the genesis message, as operators edit and exchange it: keys in hex, time in ISO-8601
/// UTC. Every field is required and unknown fields are refused, so a typo cannot silently change the chain.
/// </summary>
internal sealed record GenesisJson(
    string ChainId,
    string GenesisTime,
    IReadOnlyList<ValidatorJson> Validators,
    IReadOnlyList<string> Authorities,
    ParamsJson Params);

/// <param name="TrusteeKey">
/// Hex Ed25519 key of the validator's trustee duties (secret ballots). Optional, and left out when empty, so a genesis
/// written before trustee keys existed loads, rewrites and hashes as it did.
/// </param>
internal sealed record ValidatorJson(
    string Name,
    string PublicKey,
    string Endpoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TrusteeKey = null);

internal sealed record ParamsJson(
    uint MaxBlockBytes,
    uint MaxBlockTxs,
    uint ProposeTimeoutMs,
    uint BlockIntervalMs,
    uint MaxClockDriftMs);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(GenesisJson))]
internal sealed partial class GenesisJsonContext : JsonSerializerContext;
