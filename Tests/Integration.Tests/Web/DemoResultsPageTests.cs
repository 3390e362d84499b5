using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VoteChain.Integration.Tests.BlackBox;
using static Microsoft.Playwright.Assertions;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// `votechain devnet --demo` as someone trying VoteChain first meets it: the devnet prints each node's page, and the
/// results page it names moves as the demo's votes commit.
/// </summary>
public sealed partial class DemoResultsPageTests
{
    [Test]
    public async Task The_devnet_prints_every_page_and_with_demo_the_results_page_moves()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-demo-page-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(2);
        await using var browser = await Browser.LaunchAsync();
        try
        {
            await using var devnet = ServiceProcess.Devnet(root, basePort, validators: 1, observers: 1, demo: true);
            await devnet.WaitUntilRunningAsync(TimeSpan.FromSeconds(90));
            Assert.That(WebLine().Matches(devnet.Output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
                Is.EquivalentTo(new[] { basePort + 100, basePort + 101 }), devnet.Output);
            await Eventually.HoldsAsync(() => Task.FromResult(devnet.Output.Contains("demo: or on the results page:", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90), () => "the demo election");

            var page = await browser.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{basePort + 100}/");
            var demo = page.Locator("section[data-election-id^=demo-]");
            await Expect(demo.GetByTestId("registered-credentials")).ToHaveTextAsync("300", new() { Timeout = 60_000 });
            var first = await CountedAsync(demo);
            await Expect(demo.GetByTestId("counted-ballots")).Not.ToHaveTextAsync(first.ToString(CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
            Assert.That(await CountedAsync(demo), Is.GreaterThan(first), "the tally moved forward with no reload");
            Assert.That(browser.Errors, Is.Empty);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<long> CountedAsync(ILocator election) =>
        long.Parse(Regex.Replace(await election.GetByTestId("counted-ballots").InnerTextAsync(), "[^0-9]", ""), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"web: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex WebLine();
}
