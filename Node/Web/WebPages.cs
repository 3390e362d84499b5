using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace VoteChain.Node.Web;

/// <summary>
/// Serves the pages built from Web/ui (results, chain, vote) out of the assembly, on the web endpoint only. Everything
/// is read and gzip-compressed once at start: a handful of small files, so no request touches the disk and the bytes a
/// browser gets are the bytes that were built and embedded. The policy headers keep the pages to this origin: no
/// script, style or connection elsewhere, no framing (the vote page holds a voter's key).
/// </summary>
internal static class WebPages
{
    private const string ResourcePrefix = "VoteChain.Node.Web.ui/";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>The page names a person types or follows: "/" is the results page.</summary>
    private static readonly FrozenDictionary<string, string> Routes = new Dictionary<string, string>
    {
        ["/"] = "index.html",
        ["/results"] = "index.html",
        ["/chain"] = "chain.html",
        ["/vote"] = "vote.html",
        // Browsers ask for it whatever the page links; a 404 would be noise in every console.
        ["/favicon.ico"] = "favicon.svg",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string NoPages =
        "This node was built without its web pages (Node.js and npm were missing at build time). The JSON API is at /v1/ "
        + "and its description at /v1/openapi.json.\n";

    internal sealed record Page(string Name, string ContentType, byte[] Plain, byte[] Gzip, string ETag);

    /// <summary>Every embedded page file by name (index.html, results.js, ...).</summary>
    public static IReadOnlyDictionary<string, Page> Load()
    {
        var assembly = typeof(WebPages).Assembly;
        var pages = new Dictionary<string, Page>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var plain = copy.ToArray();
            pages[name] = new Page(name, contentType, plain, Compress(plain), $"\"{Convert.ToHexStringLower(SHA256.HashData(plain))[..32]}\"");
        }

        return pages;
    }

    /// <summary>Maps the pages on the web port; a build without the front end answers "/" with a line saying so.</summary>
    public static void Map(IEndpointRouteBuilder app, int webPort)
    {
        var pages = Load();
        if (pages.Count == 0)
        {
            app.MapGet("/", (HttpContext context) => context.Connection.LocalPort == webPort
                ? Results.Text(NoPages, "text/plain; charset=utf-8")
                : Results.NotFound());
            return;
        }

        foreach (var (route, file) in Routes)
        {
            if (pages.TryGetValue(file, out var page))
            {
                app.MapMethods(route, Methods, context => ServeAsync(context, page, webPort));
            }
        }

        foreach (var page in pages.Values)
        {
            app.MapMethods("/" + page.Name, Methods, context => ServeAsync(context, page, webPort));
        }
    }

    private static Task ServeAsync(HttpContext context, Page page, int webPort)
    {
        var response = context.Response;
        // By the port the connection arrived on, not the Host header a client on the gRPC port could set.
        if (context.Connection.LocalPort != webPort)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-cache";
        // The two encodings are different bytes, so they carry different validators.
        var gzip = AcceptsGzip(context.Request);
        var etag = gzip ? page.ETag[..^1] + "-gz\"" : page.ETag;
        response.Headers.ETag = etag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (context.Request.Headers.IfNoneMatch.Contains(etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = page.ContentType;
        var body = gzip ? page.Gzip : page.Plain;
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase));

    private static byte[] Compress(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }
}
