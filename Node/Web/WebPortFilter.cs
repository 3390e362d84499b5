using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoteChain.Networking.Limits;

namespace VoteChain.Node.Web;

/// <summary>
/// Keeps gRPC off the web port. Kestrel maps every route on every endpoint, and with TLS the web port speaks HTTP/2,
/// so without this the peer protocol, bulk submission, reflection and health would answer on a port an operator opens
/// to the public for the page and the JSON API. Judged by the port the connection arrived on, never by a header.
/// </summary>
internal static class WebPortFilter
{
    public static IApplicationBuilder UseWebPortFilter(this IApplicationBuilder app, int webPort) =>
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort == webPort && RequestGuard.IsGrpc(context.Request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
}
