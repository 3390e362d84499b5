using System.Net;
using System.Text.RegularExpressions;

namespace VoteChain.Integration.Tests;

/// <summary>
/// The pages a node serves on its web endpoint (docs/WEB.md), fetched with a plain HTTP client from a real node: each
/// route answers HTML under the strict same-origin policy, loads only files the node itself serves, carries nothing
/// the policy would block (inline script or style), and has the landmarks and hooks the browser tests and assistive
/// technology rely on. The browser behaviour itself is the Playwright tests' job.
/// </summary>
public sealed partial class WebPagesTests
{
    private static readonly string[] Routes = ["/", "/results", "/chain", "/vote"];

    [Test]
    public async Task With_web_ui_off_no_page_is_served_and_the_json_api_stays()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true, ui: false);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)), DefaultRequestVersion = HttpVersion.Version11 };
        foreach (var path in Routes.Concat(["/results.js", "/vote.js", "/style.css"]))
        {
            using var response = await http.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }

        Assert.That((await http.GetAsync("/v1/status")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_pages_are_not_served_on_the_grpc_port_whatever_the_host_header_says()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(handler) { BaseAddress = new Uri(net.Url(0)) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/vote")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = new Uri(net.WebUrl(0)).Authority;
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Pages_answer_head_and_revalidation_with_a_validator_per_encoding()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var plain = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        using var gzip = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip }) { BaseAddress = new Uri(net.WebUrl(0)) };

        using var head = await plain.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/vote.js"));
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentLength, Is.GreaterThan(1000), "the length of the body a GET would carry");
        Assert.That(await head.Content.ReadAsByteArrayAsync(), Is.Empty);

        using var asPlain = await plain.GetAsync("/vote.js");
        using var asGzip = await gzip.GetAsync("/vote.js");
        var plainTag = asPlain.Headers.ETag!;
        var gzipTag = asGzip.Headers.ETag!;
        Assert.That(gzipTag.Tag, Is.Not.EqualTo(plainTag.Tag), "different bytes, different validators");
        Assert.That(await asGzip.Content.ReadAsStringAsync(), Is.EqualTo(await asPlain.Content.ReadAsStringAsync()));

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/vote.js");
        revalidate.Headers.IfNoneMatch.Add(plainTag);
        using var notModified = await plain.SendAsync(revalidate);
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task Every_page_is_served_under_the_strict_policy_with_only_its_own_files()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)), DefaultRequestVersion = HttpVersion.Version11 };

        foreach (var route in Routes)
        {
            using var response = await http.GetAsync(route);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), route);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"), route);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.That(policy, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("connect-src 'self'")
                .And.Not.Contain("unsafe"), route);
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), route);

            var html = await response.Content.ReadAsStringAsync();
            Assert.That(html, Does.Contain("<html lang=\"en\">"), $"{route}: the language is declared");
            Assert.That(html, Does.Contain("class=\"skip\" href=\"#main\"").And.Contain("<main id=\"main\""), $"{route}: a skip link to main");
            Assert.That(html, Does.Contain("href=\"/\"").And.Contain("href=\"/chain\"").And.Contain("href=\"/vote\""), $"{route}: the shared nav");
            Assert.That(html, Does.Contain("aria-current=\"page\""), $"{route}: the nav marks the current page");
            Assert.That(InlineStyleOrScript().IsMatch(html), Is.False, $"{route}: inline style or script, which the policy blocks");
            Assert.That(html, Does.Contain("<h1>"), $"{route}: a page heading");

            // Every script and style sheet the page names is a file this node serves, never another origin.
            foreach (Match reference in Reference().Matches(html))
            {
                var file = reference.Groups["file"].Value;
                Assert.That(file, Does.Not.Contain("//").And.Not.StartWith("http"), $"{route} loads {file} from elsewhere");
                using var asset = await http.GetAsync("/" + file.TrimStart('/'));
                Assert.That(asset.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{route} loads {file}");
            }
        }

        // The hooks the browser tests use, and a label for every control that takes a person's input.
        var results = await http.GetStringAsync("/");
        Assert.That(results, Does.Contain("id=\"elections\"").And.Contain("id=\"clock\"").And.Contain("aria-live=\"polite\""));
        var chain = await http.GetStringAsync("/chain");
        Assert.That(chain, Does.Contain("id=\"validators\"").And.Contain("id=\"blocks\"").And.Contain("<label for=\"block-query\">"));
        var vote = await http.GetStringAsync("/vote");
        foreach (var control in new[] { "credential-file", "credential-text", "genesis-file", "receipt-file", "receipt-text" })
        {
            Assert.That(vote, Does.Contain($"<label for=\"{control}\">"), $"the vote page labels #{control}");
        }

        Assert.That(vote, Does.Contain("data-testid=\"cast\"").And.Contain("data-testid=\"receipt-view\"").And.Contain("data-testid=\"receipt-check\""));
    }

    [GeneratedRegex("<style|\\sstyle=|<script(?![^>]*\\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrScript();

    [GeneratedRegex("<(?:script[^>]*\\ssrc|link[^>]*\\shref)=\"(?<file>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
