using System.Text.Json;
using Microsoft.Playwright;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// Every page checked by axe-core (Deque's accessibility engine, pinned in Node/Web/ui's package-lock.json) for WCAG
/// 2.1 A and AA problems (labels, contrast, names, structure), and laid out without sideways scrolling at a 360 px
/// phone width and at 200 % zoom (a 1280 px window at 200 % is 640 CSS pixels wide).
/// </summary>
public sealed class AccessibilityTests
{
    private static readonly string[] Pages = ["/", "/chain", "/vote"];

    // One node serves the pages at every size: the checks only read them.
    private TestNetwork _net = null!;

    [OneTimeSetUp]
    public async Task StartNodeAsync()
    {
        _net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await _net.StartAllAsync();
        await _net.Api(0).SubmitTransactionAsync(new() { Envelope = Google.Protobuf.ByteString.CopyFrom(Payloads.CreateElection(_net.Authority, "a11y")) });
    }

    [OneTimeTearDown]
    public async Task StopNodeAsync() => await _net.DisposeAsync();

    [TestCase(1280, 900)]
    [TestCase(640, 450)]
    [TestCase(360, 740)]
    public async Task Every_page_passes_axe_and_needs_no_sideways_scrolling(int width, int height)
    {
        var axe = await File.ReadAllTextAsync(Path.Combine(Browser.RepositoryRoot, "Node", "Web", "ui", "node_modules", "axe-core", "axe.min.js"));
        await using var browser = await Browser.LaunchAsync(width, height, bypassCsp: true);
        foreach (var path in Pages)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(_net.WebUrl(0) + path, new() { WaitUntil = WaitUntilState.Load });
            await Browser.FirstAnswerAsync(page);
            await page.AddScriptTagAsync(new() { Content = axe });
            var violations = JsonDocument.Parse(await page.EvaluateAsync<string>(
                """
                async () => {
                  const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
                  return JSON.stringify(result.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`));
                }
                """)).RootElement.EnumerateArray().Select(v => v.GetString()).ToList();
            Assert.That(violations, Is.Empty, $"{path} at {width} px");

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{path} at {width} px scrolls sideways by {overflow} px");
            await page.CloseAsync();
        }

        Assert.That(browser.Errors, Is.Empty);
    }
}
