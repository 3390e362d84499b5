using System.Globalization;
using System.Text.Json;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// What a first visit costs: every request a page makes stays on the node's own origin (no CDN, no font service: the
/// pages work with no network beyond the node), and the bytes transferred on a cold load stay within a budget. The
/// figures (bytes per page, time to first contentful paint) are printed for the record, never asserted on: the
/// machine is shared and times vary.
/// </summary>
public sealed class PageWeightTests
{
    /// <summary>Compressed bytes of one cold load of any page: HTML, script, style sheet, icon.</summary>
    private const long BudgetBytes = 250_000;

    [Test]
    public async Task Every_page_loads_from_the_node_alone_within_the_byte_budget()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        var origin = new Uri(net.WebUrl(0));
        foreach (var path in new[] { "/", "/chain", "/vote" })
        {
            await using var browser = await Browser.LaunchAsync(ownBrowser: true);
            var page = await browser.NewPageAsync();
            var requests = new List<string>();
            page.Request += (_, request) => requests.Add(request.Url);
            await page.GotoAsync(origin + path.TrimStart('/'), new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Load });
            await Browser.FirstAnswerAsync(page);

            Assert.That(requests.Select(r => new Uri(r)).Where(u => u.Scheme != "data").Select(u => u.GetLeftPart(UriPartial.Authority)),
                Is.All.EqualTo(origin.GetLeftPart(UriPartial.Authority)), $"{path}: every request goes to the node");

            // Resource timing's transferSize: bytes on the wire (compressed bodies and headers) of the navigation and
            // every resource; streams still open count what they had received.
            var figures = JsonDocument.Parse(await page.EvaluateAsync<string>(
                """
                () => JSON.stringify({
                  bytes: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                    .reduce((sum, e) => sum + (e.transferSize || 0), 0),
                  files: performance.getEntriesByType('resource').filter(e => e.initiatorType !== 'fetch').length + 1,
                  fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || -1,
                })
                """)).RootElement;
            var bytes = figures.GetProperty("bytes").GetDouble();
            var fcp = figures.GetProperty("fcp").GetDouble();
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"page {path}: {bytes:F0} bytes transferred on first load ({figures.GetProperty("files").GetInt32()} files and its API calls), first contentful paint {fcp:F0} ms"));
            Assert.That(bytes, Is.GreaterThan(0).And.LessThan(BudgetBytes), path);
            Assert.That(fcp, Is.GreaterThan(0), $"{path} painted");
            Assert.That(browser.Errors, Is.Empty, path);
        }
    }
}
