using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// The issuer service's small HTTP JSON protocol (docs/ANONYMITY.md), shared by <c>issuer serve</c> and
/// <c>credential request</c>. Byte strings are lower-case hex; every field is bounded by the server before use.
/// <list type="bullet">
/// <item><c>GET /v1/issuer</c>: <see cref="IssuerInfo"/>.</item>
/// <item><c>POST /v1/issuer/key</c> with <see cref="WeightKeyRequest"/>: the issuer's key for the roll entry's weight.</item>
/// <item><c>POST /v1/issuer/sign</c> with <see cref="SignRequest"/>: the blind signature, once the poll book entry is committed.</item>
/// </list>
/// A refusal is HTTP 4xx or 5xx with <see cref="IssuerError"/>; its code is a rule code name where the chain's rule
/// decided (e.g. ALREADY_SERVED), else one of the service's own (BAD_REQUEST, BUSY, NODE_UNAVAILABLE).
/// </summary>
internal static class IssuerProtocol
{
    public const string InfoPath = "/v1/issuer";
    public const string KeyPath = "/v1/issuer/key";
    public const string SignPath = "/v1/issuer/sign";

    /// <summary>The largest request body: a sign request is about 1 KB of hex.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A field left out or sent as null is a refusal at parse time, as for key files: the records' non-nullable
        // strings are then never null where the issuer, the client or a credential file use them.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}

internal sealed record IssuerInfo(string ChainId, string IssuerKey);

internal sealed record WeightKeyRequest(string ElectionId, string Identity);

internal sealed record WeightKeyResponse(ulong Weight, string WeightKey);

/// <summary>A roll entry's request: the blinded message and the identity's signature over it (<c>AnonymousSigning.Request</c>).</summary>
internal sealed record SignRequest(string ElectionId, string Identity, string BlindedMessage, string RequestSignature);

internal sealed record SignResponse(string BlindSignature, string ServedTx, ulong Height);

internal sealed record IssuerError(string Code, string Message);
