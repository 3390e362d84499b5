using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// The results and chain pages in Debian's Chromium against a real devnet: the tally moves when a vote commits with no
/// reload, a secret election shows turnout only, the chain page lists blocks, validators and the node's health and
/// opens a block by height and by hash. Playwright's expectations poll the page until a deadline (no sleeps).
/// </summary>
[NonParallelizable]
public sealed class ResultsAndChainPageTests
{
    private PagesDevnet _net = null!;

    [OneTimeSetUp]
    public async Task StartDevnet() => _net = await PagesDevnet.SharedAsync();

    [Test]
    public async Task The_results_page_follows_the_tally_live_as_votes_commit()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(4) + "/");
        // Only elections on screen are followed (docs/WEB.md): bring this one into view.
        var town = page.Locator("section[data-election-id=town]");
        await town.ScrollIntoViewIfNeededAsync();
        await Expect(town).ToHaveAttributeAsync("data-state", "open");
        await Expect(town.GetByTestId("registered-credentials")).ToHaveTextAsync(PagesDevnet.VoterCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var before = await _net.CountedBallotsAsync("town");
        await Expect(town.GetByTestId("counted-ballots")).ToHaveTextAsync($"{before}");

        // A marker that survives only if the page is never reloaded.
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");
        await _net.CliVoteAsync(voter: 1, "town", "Grace");
        await _net.CliVoteAsync(voter: 2, "town", "Grace");
        await _net.CliVoteAsync(voter: 3, "town", "Linus");

        await Expect(town.GetByTestId("counted-ballots")).ToHaveTextAsync($"{before + 3}", new() { Timeout = 30_000 });
        var grace = town.Locator("[data-testid=tally] li[data-option-index='1']");
        await Expect(grace.GetByTestId("option-weight")).ToHaveTextAsync("2");
        Assert.That(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), Is.True, "updated without reloading");

        // A secret election shows turnout only until its result is out: no per-option figures.
        var council = page.Locator("section[data-election-id=council]");
        await council.ScrollIntoViewIfNeededAsync();
        await Expect(council.GetByTestId("secret-note")).ToBeVisibleAsync();
        await Expect(council.Locator("[data-testid=option-weight]")).ToHaveCountAsync(0);

        await town.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("results.png"), FullPage = true });
        Assert.That(browser.Errors, Is.Empty);
    }

    [Test]
    public async Task A_secret_election_shows_turnout_only_until_its_result_is_published_then_the_result()
    {
        // "flash" is made now and closes soon (its window computed from this devnet's setup): the page is opened while it
        // is open, sees its votes counted live with turnout only, and then the result the trustees publish after the close.
        // The browser first: its start is no part of the window.
        await using var browser = await Browser.LaunchAsync();
        await _net.CreateFlashAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/");
        var flash = page.Locator("section[data-election-id=flash]");
        await flash.ScrollIntoViewIfNeededAsync();
        await Expect(flash).ToHaveAttributeAsync("data-state", "open");
        await Expect(flash.GetByTestId("secret-note")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        await _net.JointKeyAsync("flash");
        await Task.WhenAll(_net.CliVoteAsync(voter: 1, "flash", "Coffee"), _net.CliVoteAsync(voter: 2, "flash", "Coffee"),
            _net.CliVoteAsync(voter: 3, "flash", "Tea"));
        await Expect(flash.GetByTestId("counted-ballots")).ToHaveTextAsync("3");
        await Expect(flash.Locator("[data-testid=option-weight]")).ToHaveCountAsync(0);

        // The trustees decrypt after the close with no one asking; the page follows without a reload.
        await Expect(flash).ToHaveAttributeAsync("data-state", "published", new() { Timeout = 150_000 });
        await Expect(flash.Locator("[data-testid=tally] li[data-option-index='1']").GetByTestId("option-weight")).ToHaveTextAsync("2");
        await Expect(flash.Locator("[data-testid=tally] li[data-option-index='0']").GetByTestId("option-weight")).ToHaveTextAsync("1");
        await Expect(flash.GetByTestId("election-state")).ToContainTextAsync("ublished");
        Assert.That(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"), Is.True, "followed without reloading");
        Assert.That(browser.Errors, Is.Empty);
    }

    [Test]
    public async Task The_chain_page_shows_blocks_validators_and_health_and_opens_a_block_by_height_and_hash()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/chain");

        await Expect(page.GetByTestId("node-role")).ToContainTextAsync("Validator");
        await Expect(page.Locator("#validators tr[data-validator-index]")).ToHaveCountAsync(4);
        await Expect(page.Locator("#validators tr[data-connection=self]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#validators tr[data-connection=connected]")).ToHaveCountAsync(3);
        await Expect(page.Locator("#blocks details[data-height]").First).ToBeVisibleAsync();

        // Block 2 holds the "town" election's creation (block 1 may be empty): find the block the page names for it.
        var created = (await _net.GetJsonAsync("/v1/elections/town")).GetProperty("createdHeight").GetUInt64();
        await page.GetByTestId("block-query").FillAsync($"{created}");
        await page.GetByTestId("block-open").ClickAsync();
        var detail = page.GetByTestId("block-detail");
        await Expect(detail.Locator($"details[data-height='{created}']")).ToBeVisibleAsync();
        await Expect(detail.GetByTestId("tx-kind").First).ToContainTextAsync("Create election");

        var hash = Convert.ToHexStringLower(Convert.FromBase64String(
            (await _net.GetJsonAsync($"/v1/blocks/{created}")).GetProperty("blockHash").GetString()!));
        await page.GetByTestId("block-query").FillAsync(hash);
        await page.GetByTestId("block-open").ClickAsync();
        await Expect(detail.Locator($"details[data-height='{created}']")).ToBeVisibleAsync();

        await page.GetByTestId("block-query").FillAsync("999999");
        await page.GetByTestId("block-open").ClickAsync();
        await Expect(detail.GetByTestId("block-error")).ToBeVisibleAsync();

        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("chain.png"), FullPage = false });
        Assert.That(browser.Errors, Is.Empty);
    }
}
