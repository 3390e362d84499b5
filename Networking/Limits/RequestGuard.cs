using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace VoteChain.Networking.Limits;

/// <summary>
/// Puts every gRPC request body behind a <see cref="GuardedRequestBody"/>, so the per-method message bounds and the
/// stream timeouts hold before grpc-dotnet buffers anything; bounds every other request body (the JSON API) by
/// <see cref="RequestBounds.JsonBodyBytes"/>.
/// </summary>
public static class RequestGuard
{
    /// <summary>Call before the gRPC services are mapped.</summary>
    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app, RequestBounds bounds)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(bounds);
        return app.Use((context, next) =>
        {
            if (IsGrpc(context.Request.ContentType))
            {
                var path = context.Request.Path.Value ?? "";
                var guarded = new GuardedRequestBody(context.Request.BodyReader, bounds, path.TrimStart('/'));
                context.Features.Set<IRequestBodyPipeFeature>(new GuardedBodyFeature(guarded));
                context.Features.Set<IProvenCallerFeature>(guarded);
            }
            else if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                // A plain HTTP request (the JSON API): bounded by what it may carry, a transaction in base64.
                bodySize.MaxRequestBodySize = bounds.JsonBodyBytes;
            }

            return next(context);
        });
    }

    /// <summary>
    /// A gRPC call's content type, by grpc-dotnet's own rule: <c>application/grpc</c> in any case, then the end, a
    /// <c>;</c> (parameters) or a <c>+</c> (any message format: grpc-dotnet serves <c>application/grpc+json</c> too, and
    /// decodes it as protobuf). Anything grpc-dotnet would serve must meet the guards; an exact match let
    /// <c>application/grpc+json</c> past the web port's filter and the per-method bounds (review finding).
    /// </summary>
    public static bool IsGrpc(string? contentType)
    {
        const string Grpc = "application/grpc";
        if (contentType is null || !contentType.StartsWith(Grpc, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == Grpc.Length || contentType[Grpc.Length] is ';' or '+';
    }

    private sealed class GuardedBodyFeature(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
