namespace VoteChain.Integration.Tests.Web;

public sealed class BrowserSmokeTests
{
    [Test]
    public async Task Chromium_opens_the_results_page_of_a_node()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(net.WebUrl(0));
        Assert.That(response!.Status, Is.EqualTo(200));
        Assert.That(await page.TitleAsync(), Does.Contain("Results"));
        Assert.That(browser.Errors, Is.Empty);
    }
}
