namespace VoteChain.Node.Anonymous;

/// <summary>Why the issuer will not serve a request: a code (a rule code name, or the service's own) and a sentence.</summary>
internal sealed class IssuerRefusal(int httpStatus, string code, string message) : Exception(message)
{
    public int HttpStatus { get; } = httpStatus;

    public string Code { get; } = code;

    public static IssuerRefusal BadRequest(string message) => new(400, "BAD_REQUEST", message);

    public static IssuerRefusal Rule(string code, string message) => new(409, code, message);

    public static IssuerRefusal NotFound(string code, string message) => new(404, code, message);
}
