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
    /// A gRPC call's content type, exactly as grpc-dotnet takes one: <c>application/grpc</c> or <c>application/grpc+proto</c>
    /// (parameters aside). Anything else, <c>application/grpc+json</c> included (which the JSON API accepts as JSON), is a
    /// plain HTTP request and gets the JSON body bound: a prefix match would let one header skip it.
    /// </summary>
    public static bool IsGrpc(string? contentType)
    {
        var type = contentType?.Split(';', 2)[0].Trim();
        return string.Equals(type, "application/grpc", StringComparison.OrdinalIgnoreCase)
            || string.Equals(type, "application/grpc+proto", StringComparison.OrdinalIgnoreCase);
    }

    private sealed class GuardedBodyFeature(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }
}
