using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VoteChain.Node.Web;

/// <summary>
/// The JSON API's OpenAPI description (Node/Web/openapi.json, embedded), served at <see cref="Path"/> on the web
/// endpoint. Written by hand from the proto's http options; a test keeps its paths and the served routes the same.
/// </summary>
internal static class OpenApiDocument
{
    public const string Path = "/v1/openapi.json";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("VoteChain.Node.Web.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded in the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>
    /// Maps the document on the web endpoint only: by the port the connection arrived on, not by the Host header, which
    /// a client on the gRPC port could set to the web port.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app, int webPort) =>
        app.MapGet(Path, (HttpContext context) => context.Connection.LocalPort == webPort
            ? Results.Bytes(Document.Value, "application/json")
            : Results.NotFound());
}
