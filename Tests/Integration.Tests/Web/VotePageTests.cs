using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// The vote page in Debian's Chromium against a real devnet: voters load their key file, cast plain and secret
/// (encrypted in the page) votes, revote, and see the receipt verified in the browser; a refusal in plain words; a
/// tampered receipt shown as failed; the whole vote with the keyboard alone. The chain is asked afterwards, through
/// the JSON API, whether what the page said happened did.
/// </summary>
[NonParallelizable]
public sealed class VotePageTests
{
    private PagesDevnet _net = null!;

    [OneTimeSetUp]
    public async Task StartDevnet() => _net = await PagesDevnet.SharedAsync();

    [Test]
    public async Task A_voter_casts_from_a_key_file_sees_a_verified_receipt_and_changes_the_vote()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await OpenWithCredentialAsync(browser, voter: 4, "town");

        await page.Locator("#ballot-choices input[name=choice][value='2']").CheckAsync();
        await page.GetByTestId("cast").ClickAsync();
        await ExpectVerifiedAsync(page);
        // The receipt's proven standing, checked in the page from the genesis: this vote is the one counted. The
        // node's unproven word is not shown beside it.
        await Expect(page.GetByTestId("receipt-view").GetByTestId("receipt-proven-standing")).ToHaveAttributeAsync("data-standing", "counted");
        await Expect(page.GetByTestId("receipt-view").GetByTestId("receipt-standing")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("vote.png"), FullPage = true });
        var first = await VoterBallotAsync(4, "town");
        Assert.That((first.Option, first.Sequence), Is.EqualTo((2u, 1ul)), "the chain holds the vote the page cast");

        // The election allows a revote: the page sequences it after the counted one.
        await page.GetByTestId("revote").ClickAsync();
        await Expect(page.GetByTestId("ballot-sequence")).ToHaveAttributeAsync("data-sequence", "2");
        await page.Locator("#ballot-choices input[name=choice][value='0']").CheckAsync();
        await page.GetByTestId("cast").ClickAsync();
        await ExpectVerifiedAsync(page);
        var second = await VoterBallotAsync(4, "town");
        Assert.That((second.Option, second.Sequence), Is.EqualTo((0u, 2ul)), "the revote replaced the first vote");
        Assert.That(browser.Errors, Is.Empty);
    }

    [Test]
    public async Task A_secret_ballot_is_encrypted_in_the_page_counted_and_its_receipt_verified()
    {
        var before = await _net.CountedBallotsAsync("council");
        await using var browser = await Browser.LaunchAsync();
        var page = await OpenWithCredentialAsync(browser, voter: 5, "council");
        await page.Locator("#ballot-choices input[name=choice][value='1']").CheckAsync();
        await page.GetByTestId("cast").ClickAsync();
        await ExpectVerifiedAsync(page);

        Assert.That(await _net.CountedBallotsAsync("council"), Is.EqualTo(before + 1));
        var envelope = await CastEnvelopeAsync(5, "council");
        Assert.That(VoteChain.Protos.V1.TxPayload.Parser.ParseFrom(envelope.Payload).KindCase,
            Is.EqualTo(VoteChain.Protos.V1.TxPayload.KindOneofCase.CastEncryptedVote), "the page sent ciphertexts, not the choice");
        Assert.That(browser.Errors, Is.Empty);
    }

    [Test]
    public async Task A_pinned_joint_key_that_is_not_the_chains_stops_the_vote_in_the_page_and_the_right_one_lets_it_through()
    {
        var before = await _net.CountedBallotsAsync("council");
        await using var browser = await Browser.LaunchAsync();
        var page = await OpenWithCredentialAsync(browser, voter: 3, "council");
        await page.Locator("#ballot-choices input[name=choice][value='0']").CheckAsync();

        // A key the authorities never published (the group's generator): nothing may be encrypted under the node's key.
        await page.GetByTestId("joint-key-pin").FillAsync("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
        await page.GetByTestId("cast").ClickAsync();
        await Expect(page.GetByTestId("refusal")).ToHaveAttributeAsync("data-reason", "JOINT_KEY_MISMATCH");
        await Expect(page.GetByTestId("refusal-words")).ToContainTextAsync("Nothing was sent");
        Assert.That(await _net.CountedBallotsAsync("council"), Is.EqualTo(before), "nothing was submitted");

        var published = Convert.ToHexStringLower(Convert.FromBase64String(
            (await _net.GetJsonAsync("/v1/elections/council/secret")).GetProperty("jointKey").GetString()!));
        await page.GetByTestId("joint-key-pin").FillAsync(published);
        await page.GetByTestId("cast").ClickAsync();
        await ExpectVerifiedAsync(page);
        Assert.That(await _net.CountedBallotsAsync("council"), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task A_node_failing_while_the_receipt_is_awaited_never_turns_an_accepted_vote_into_not_accepted()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await OpenWithCredentialAsync(browser, voter: 5, "town");
        // The first receipt reads fail as a busy node's would; the page keeps asking until the deadline.
        var failures = 0;
        await page.RouteAsync("**/v1/receipts/**", async route =>
        {
            if (Interlocked.Increment(ref failures) <= 3)
            {
                await route.FulfillAsync(new() { Status = 503, ContentType = "application/json", Body = "{\"message\":\"The node is busy.\"}" });
            }
            else
            {
                await route.ContinueAsync();
            }
        });

        await page.Locator("#ballot-choices input[name=choice][value='1']").CheckAsync();
        await page.GetByTestId("cast").ClickAsync();
        await ExpectVerifiedAsync(page);
        Assert.That(failures, Is.GreaterThan(3), "the page asked again after the failures");
        await Expect(page.GetByTestId("refusal")).ToHaveCountAsync(0);
        Assert.That((await VoterBallotAsync(5, "town")).Option, Is.EqualTo(1u));
    }

    [Test]
    public async Task A_refused_vote_is_explained_in_plain_words()
    {
        // "board" takes one vote per voter: the second, from the page, is refused by the rule.
        await _net.CliVoteAsync(voter: 6, "board", "Yes");
        await using var browser = await Browser.LaunchAsync();
        var page = await OpenWithCredentialAsync(browser, voter: 6, "board");
        await page.Locator("#ballot-choices input[name=choice][value='1']").CheckAsync();
        await page.GetByTestId("cast").ClickAsync();

        var refusal = page.GetByTestId("refusal");
        await Expect(refusal).ToHaveAttributeAsync("data-reason", "ALREADY_VOTED");
        await Expect(refusal.GetByTestId("refusal-words")).ToContainTextAsync("already voted");
        Assert.That((await VoterBallotAsync(6, "board")).Option, Is.EqualTo(0u), "the first vote stands");
    }

    [Test]
    public async Task A_tampered_receipt_is_shown_as_failed_and_the_intact_one_as_verified()
    {
        await _net.CliVoteAsync(voter: 8, "town", "Linus");
        var txId = Convert.ToHexStringLower((await VoterBallotAsync(8, "town")).TxId);
        var receipt = JsonNode.Parse((await _net.GetJsonAsync($"/v1/receipts/{txId}")).GetRawText())!;

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/vote");
        await CheckReceiptAsync(page, receipt.ToJsonString());
        await Expect(page.GetByTestId("receipt-check-view").GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "ok");
        await Expect(page.GetByTestId("receipt-check-view").GetByTestId("receipt-proven-standing")).ToHaveAttributeAsync("data-standing", "counted");

        // One bit of the proven ballot record flipped: the receipt verifies, its standing's proof does not.
        var ballot = receipt["provenStanding"]!["ballot"]!;
        var record = Convert.FromBase64String(ballot["record"]!.GetValue<string>());
        record[0] ^= 0x01;
        ballot["record"] = Convert.ToBase64String(record);
        await CheckReceiptAsync(page, receipt.ToJsonString());
        await Expect(page.GetByTestId("receipt-check-view").GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "ok");
        await Expect(page.GetByTestId("receipt-check-view").GetByTestId("receipt-proven-standing")).ToHaveAttributeAsync("data-standing", "failed");

        // One bit of one validator's commit signature flipped: the certificate no longer has a quorum.
        var signatures = receipt["certificate"]!["signatures"]!.AsArray();
        foreach (var signature in signatures)
        {
            var bytes = Convert.FromBase64String(signature!["signature"]!.GetValue<string>());
            bytes[5] ^= 0x01;
            signature["signature"] = Convert.ToBase64String(bytes);
        }

        await CheckReceiptAsync(page, receipt.ToJsonString());
        var view = page.GetByTestId("receipt-check-view");
        await Expect(view.GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "FAILED");
        await Expect(view.Locator("li[data-check=certificate]")).ToHaveAttributeAsync("data-result", "FAILED");
        await Expect(view.Locator("li[data-check=tx_id]")).ToHaveAttributeAsync("data-result", "ok");
        await Expect(view.GetByTestId("receipt-proven-standing")).ToHaveAttributeAsync("data-standing", "not checked");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("receipt-failed.png"), FullPage = true });
    }

    [Test]
    public async Task A_voter_votes_with_the_keyboard_alone()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/vote");

        // Paste the key file into the text box, load it: Tab to each control, type, Enter.
        await TabToAsync(page, "#credential-text");
        await page.Keyboard.InsertTextAsync(await File.ReadAllTextAsync(_net.VoterFile(7)));
        await TabToAsync(page, "[data-testid=credential-load]");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("credential-info")).ToContainTextAsync("loaded", new() { IgnoreCase = true });

        // The voter is in the devnet's four elections: arrow through the group to "town".
        await Expect(page.Locator("#election-list input[name=election]")).ToHaveCountAsync(4);
        await TabToAsync(page, "#election-list input[name=election]");
        for (var i = 0; i < 5 && !await page.EvaluateAsync<bool>("() => document.activeElement.value === 'town'"); i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }

        await Expect(page.Locator("[data-testid=ballot-election]")).ToHaveAttributeAsync("data-election-id", "town");
        await TabToAsync(page, "#ballot-choices input[name=choice]");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("Space");
        var chosen = await page.EvaluateAsync<string>("() => document.querySelector('#ballot-choices input[name=choice]:checked').value");
        await TabToAsync(page, "[data-testid=cast]");
        await page.Keyboard.PressAsync("Enter");
        await ExpectVerifiedAsync(page);
        Assert.That((await VoterBallotAsync(7, "town")).Option, Is.EqualTo(uint.Parse(chosen, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(browser.Errors, Is.Empty);
    }

    private async Task<IPage> OpenWithCredentialAsync(Browser browser, int voter, string election)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(_net.WebUrl(0) + "/vote");
        await page.Locator("#credential-file").SetInputFilesAsync(_net.VoterFile(voter));
        await Expect(page.GetByTestId("credential-info")).ToContainTextAsync("loaded", new() { IgnoreCase = true });
        // Every test voter is registered in the four elections: the page lists them once its lookups are back.
        var choice = page.Locator($"#election-list input[name=election][value='{election}']");
        await Expect(choice).ToBeVisibleAsync();
        await choice.CheckAsync();

        await Expect(page.GetByTestId("ballot-election")).ToHaveAttributeAsync("data-election-id", election);
        return page;
    }

    private static async Task ExpectVerifiedAsync(IPage page)
    {
        var view = page.GetByTestId("receipt-view");
        await Expect(view.GetByTestId("receipt-verdict")).ToHaveAttributeAsync("data-verdict", "ok", new() { Timeout = 90_000 });
        await Expect(view.Locator("[data-testid=receipt-checks] li[data-result=ok]")).ToHaveCountAsync(5);
    }

    private static async Task CheckReceiptAsync(IPage page, string json)
    {
        await page.Locator("#receipt-text").FillAsync(json);
        await page.GetByTestId("receipt-check").ClickAsync();
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>: the control is reachable by keyboard.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached {selector}");
    }

    private async Task<(uint Option, ulong Sequence, byte[] TxId)> VoterBallotAsync(int voter, string election)
    {
        var key = JsonDocument.Parse(await File.ReadAllTextAsync(_net.VoterFile(voter))).RootElement.GetProperty("public_key").GetString()!;
        var ballot = (await _net.GetJsonAsync($"/v1/elections/{election}/voters/{key}")).GetProperty("ballot");
        return (ballot.TryGetProperty("option", out var option) ? option.GetUInt32() : 0,
            ballot.GetProperty("sequence").GetUInt64(), Convert.FromBase64String(ballot.GetProperty("txId").GetString()!));
    }

    private async Task<VoteChain.Protos.V1.TxEnvelope> CastEnvelopeAsync(int voter, string election)
    {
        var txId = Convert.ToHexStringLower((await VoterBallotAsync(voter, election)).TxId);
        var receipt = await _net.GetJsonAsync($"/v1/receipts/{txId}");
        return VoteChain.Protos.V1.TxEnvelope.Parser.ParseFrom(Convert.FromBase64String(receipt.GetProperty("envelope").GetString()!));
    }
}
