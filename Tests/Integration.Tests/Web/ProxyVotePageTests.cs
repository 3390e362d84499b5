using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// The vote page at a meeting that allows proxies, in Debian's Chromium against the shared devnet: a proxy is told
/// what its vote carries, a holder whose proxy voted is told its weight was cast and for what, and the holder's own vote
/// from the page overrides the appointment (the chain's tally moves the weight from proxy to direct).
/// </summary>
[NonParallelizable]
public sealed class ProxyVotePageTests
{
    private PagesDevnet _net = null!;

    [OneTimeSetUp]
    public async Task StartDevnet() => _net = await PagesDevnet.SharedAsync();

    [Test]
    public async Task A_holder_sees_its_proxy_cast_its_weight_and_overrides_it_by_voting_in_the_page()
    {
        const string election = "agm-page";
        var folder = Path.Combine(_net.Root, "agm-holders");
        await PagesDevnet.Cli("voters", "generate", "--count", "2", "--out", folder);
        var holder = Path.Combine(folder, "voter-00001.json");
        var proxy = Path.Combine(folder, "voter-00002.json");
        var proxyHex = PublicKey(proxy);
        var csv = Path.Combine(folder, "weights.csv");
        await File.WriteAllLinesAsync(csv, ["public_key_hex,weight", $"{PublicKey(holder)},40", $"{proxyHex},5"]);
        await PagesDevnet.Cli("election", "create", "--node", _net.Node, "--key", _net.Authority, "--id", election, "--title", "Annual meeting",
            "--option", "for", "--option", "against", "--closes-at", "+1h", "--allow-delegation", "--wait");
        await PagesDevnet.Cli("voters", "register", "--node", _net.Node, "--key", _net.Authority, "--election", election, "--file", csv, "--wait");
        await PagesDevnet.Cli("delegate", "--node", _net.Node, "--key", holder, "--election", election, "--to", proxyHex, "--wait");

        await using var browser = await Browser.LaunchAsync();
        var proxyPage = await OpenAsync(browser, proxy);
        await Expect(proxyPage.GetByTestId("ballot-proxy-for")).ToContainTextAsync("weight 40 of 1 holder who appointed you");
        await proxyPage.Locator("#ballot-choices input[name=choice][value='0']").CheckAsync();
        await proxyPage.GetByTestId("cast").ClickAsync();
        await Expect(proxyPage.GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "ok", new() { Timeout = 90_000 });
        Assert.That(await ProxyWeightAsync(election), Is.EqualTo(40));

        var holderPage = await OpenAsync(browser, holder);
        var standing = holderPage.GetByTestId("ballot-proxy");
        await Expect(standing).ToHaveAttributeAsync("data-state", "CAST_BY_PROXY");
        await Expect(standing).ToContainTextAsync("your proxy cast your weight for “\u2068for\u2069”");
        await holderPage.Locator("#ballot-choices input[name=choice][value='1']").CheckAsync();
        await holderPage.GetByTestId("cast").ClickAsync();
        await Expect(holderPage.GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "ok", new() { Timeout = 90_000 });

        var tally = (await _net.GetJsonAsync($"/v1/elections/{election}/tally")).GetProperty("tally");
        Assert.That(tally.GetProperty("optionWeights").EnumerateArray().Select(Number), Is.EqualTo(new ulong[] { 5, 40 }));
        Assert.That(await ProxyWeightAsync(election), Is.Zero, "the holder's own vote took its weight back from the proxy");
        Assert.That(browser.Errors, Is.Empty);
    }

    private async Task<IPage> OpenAsync(Browser browser, string keyFile)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/vote");
        await page.Locator("#credential-file").SetInputFilesAsync(keyFile);
        // Registered in this one election only: the page opens its ballot at once.
        await Expect(page.GetByTestId("ballot-election")).ToHaveAttributeAsync("data-election-id", "agm-page");
        return page;
    }

    private async Task<ulong> ProxyWeightAsync(string election) =>
        (await _net.GetJsonAsync($"/v1/elections/{election}/tally")).GetProperty("tally") is var t && t.TryGetProperty("proxyWeight", out var w)
            ? Number(w)
            : 0;

    /// <summary>A 64-bit integer of the JSON API, whether written as a number or as a string.</summary>
    private static ulong Number(JsonElement value) => ulong.Parse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture);

    private static string PublicKey(string keyFile) =>
        JsonDocument.Parse(File.ReadAllText(keyFile)).RootElement.GetProperty("public_key").GetString()!;
}
