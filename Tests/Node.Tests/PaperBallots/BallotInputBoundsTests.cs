using VoteChain.Node.PaperBallots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// The bounds before anything is buffered or printed: a picture's declared size is refused from its header before it is
/// decoded, and text the page cannot show truthfully is refused before a credential is registered.
/// </summary>
public sealed class BallotInputBoundsTests
{
    [Test]
    public void A_picture_declaring_too_many_pixels_is_refused_from_its_header_before_decoding()
    {
        using var folder = new TempFolder();
        var path = folder.File("bomb.bmp");
        // A 54-byte BMP header declaring 20,000 x 20,000 pixels of 24 bits (1.2 GB decoded) and no pixel data at all.
        var header = new byte[54];
        "BM"u8.CopyTo(header);
        BitConverter.TryWriteBytes(header.AsSpan(2), 54);
        BitConverter.TryWriteBytes(header.AsSpan(10), 54);
        BitConverter.TryWriteBytes(header.AsSpan(14), 40);
        BitConverter.TryWriteBytes(header.AsSpan(18), 20_000);
        BitConverter.TryWriteBytes(header.AsSpan(22), 20_000);
        BitConverter.TryWriteBytes(header.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(header.AsSpan(28), (short)24);
        File.WriteAllBytes(path, header);

        var e = Assert.Throws<UserInputException>(() => ScannedImage.Load(path))!;
        Assert.That(e.Message, Does.Contain("20000x20000 pixels").And.Contain("at most 60 megapixels"));
    }

    [Test]
    public void A_file_that_grows_past_the_bound_while_read_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("large.png");
        using (var file = File.Create(path))
        {
            file.SetLength(ScannedImage.MaxFileBytes + 1);
        }

        Assert.That(() => ScannedImage.Load(path), Throws.TypeOf<UserInputException>().With.Message.Contain("larger than 50 MB"));
    }

    [Test]
    public void A_picture_cut_short_is_refused_rather_than_read()
    {
        using var folder = new TempFolder();
        var whole = folder.File("whole.jpg");
        using (var page = BallotPictures.Page(100))
        {
            VoteChain.Tests.Ballots.BallotPen.SaveJpeg(page, whole);
        }

        Assert.That(ScannedImage.Load(whole).Width, Is.GreaterThan(0), "the whole picture loads");
        var bytes = File.ReadAllBytes(whole);
        var cut = folder.File("cut.jpg");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        Assert.That(() => ScannedImage.Load(cut), Throws.TypeOf<UserInputException>().With.Message.Contain("is cut short"));
    }

    [Test]
    public void Print_refuses_a_zero_weight_and_an_unbounded_count_before_asking_any_node()
    {
        using var folder = new TempFolder();
        var noNode = "http://127.0.0.1:1";
        string Refusal(params string[] extra) =>
            CliRun.Of(["ballots", "print", "--key", folder.File("none.json"), "--election", "e", "--out", folder.File("out"), "--node", noNode, .. extra])
                .SingleErrorLine();

        Assert.That(Refusal("--count", "1", "--weight", "0"), Does.Contain("--weight must be at least 1"));
        Assert.That(Refusal("--count", "0"), Does.Contain("--count must be from 1 to 10000"));
        Assert.That(Refusal("--count", "10001"), Does.Contain("--count must be from 1 to 10000"));
        Assert.That(Directory.Exists(folder.File("out")), Is.False);
    }

    [Test]
    public void Scan_takes_an_option_only_for_one_picture()
    {
        var run = CliRun.Of("ballots", "scan", "--image", "a.jpg", "b.jpg", "--option", "yes", "--node", "http://127.0.0.1:1");
        Assert.That(run.ExitCode, Is.EqualTo(VoteChain.Node.Cli.ExitCodes.Usage), run.ToString());
        Assert.That(run.Error, Does.Contain("give it with exactly one --image"));
    }

    [TestCase("Volba \u202Eabc", "invisible character U+202E")]
    [TestCase("בחירות", "right-to-left script")]
    [TestCase("Vote \uE000 now", "invisible character U+E000")]
    [TestCase("選挙", "which the ballot font cannot print")]
    public void Text_a_ballot_cannot_show_truthfully_is_refused(string option, string says)
    {
        using var text = BallotText.Load();
        Assert.That(() => text.Option(0, option), Throws.TypeOf<UserInputException>().With.Message.Contain(says));
    }

    [Test]
    public void Long_text_is_wrapped_and_made_smaller_until_it_fits_or_refused()
    {
        using var text = BallotText.Load();
        var longOption = text.Option(0, string.Join(' ', Enumerable.Repeat("Independent candidate of the harbour district", 2)));
        var longTitle = text.Title(new string('W', 256));
        Assert.Multiple(() =>
        {
            Assert.That(longOption.Lines, Has.Count.InRange(1, 2));
            Assert.That(string.Concat(longTitle.Lines), Is.EqualTo(new string('W', 256)), "a long word is broken, never cut off");
            Assert.That(() => text.Option(0, new string('W', 128)), Throws.TypeOf<UserInputException>().With.Message.Contain("too long to fit"));
        });
    }
}
