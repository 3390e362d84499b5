using System.Diagnostics;
using SkiaSharp;
using VoteChain.Node.PaperBallots;
using VoteChain.Tests.Ballots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// Review attacks on the scanner's reading (adversarial review of paper ballots): pictures made to cost the scanner
/// unbounded time, and ballots whose QR code does not sit where the printer put it, which must never read as a clear
/// vote for an option the voter did not mark.
/// </summary>
public sealed class CraftedBallotImageTests
{
    /// <summary>
    /// A ballot whose QR code was cut out and pasted one option row (40 pt) lower, as a counterfeit page or a QR sticker
    /// moved onto another ballot would have it. The voter crosses the second box ("Bob"); a scanner that found the boxes
    /// only from the QR code would read a clear vote for the first option. The reader checks the printed frames (present
    /// at every expected box, absent one row below the last) and reads nothing from such a page.
    /// </summary>
    [Test]
    public void A_qr_code_pasted_one_row_lower_is_not_read_as_a_clear_vote_for_the_option_above_the_mark()
    {
        const float Dpi = 150;
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(Dpi);
        BallotPen.Cross(page, Dpi, 1);
        using var pasted = MoveQr(page, Dpi, down: 40);
        using var scan = BallotPen.Scan(pasted, 2, 0.01f);

        var ballot = BallotPictures.ScanAsJpeg(scan, folder.File("pasted.jpg"));
        var reading = ballot.Marks(BallotPictures.Options.Length);

        Assert.That(reading.Choice, Is.Not.EqualTo(0),
            $"the voter marked '{BallotPictures.Options[1]}', the scanner read a clear '{BallotPictures.Options[0]}'; ink ratios {string.Join(" ", reading.InkRatios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    /// <summary>
    /// A voter who strikes out the candidate they reject, with one straight line through the box and the name (as many
    /// do on paper), must not be read as a clear vote FOR that candidate, though a single stroke covers enough of the box's
    /// inside: ink that runs on past the box on both sides reads as crossed, and a person decides.
    /// </summary>
    [Test]
    public void A_name_struck_out_with_one_line_through_its_box_is_not_a_clear_vote_for_it()
    {
        const float Dpi = 150;
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(Dpi);
        using (var canvas = new SKCanvas(page))
        {
            canvas.Scale(Dpi / 72f);
            var box = BallotLayout.Box(0);
            using var pen = new SKPaint { Color = new SKColor(20, 30, 120), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2.2f };
            canvas.DrawLine(box.Left - 6, box.MidY + 1, BallotLayout.LabelLeft + 120, box.MidY - 1, pen);
        }

        using var scan = BallotPen.Scan(page, 2, 0.01f);
        var reading = BallotPictures.ScanAsJpeg(scan, folder.File("struck.jpg")).Marks(BallotPictures.Options.Length);

        Assert.That(reading.Choice, Is.Null,
            $"a line striking out '{BallotPictures.Options[0]}' was read as a vote for it; ink ratios {string.Join(" ", reading.InkRatios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    /// <summary>A pen slip: one stroke running from the second box down through the third. Two boxes hold ink, no choice. (Holds.)</summary>
    [Test]
    public void One_stroke_across_two_boxes_is_no_choice()
    {
        const float Dpi = 150;
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(Dpi);
        using (var canvas = new SKCanvas(page))
        {
            canvas.Scale(Dpi / 72f);
            using var pen = new SKPaint { Color = new SKColor(20, 30, 120), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2.2f };
            canvas.DrawLine(BallotLayout.Box(1).MidX - 3, BallotLayout.Box(1).Top + 3, BallotLayout.Box(2).MidX + 3, BallotLayout.Box(2).Bottom - 3, pen);
        }

        using var scan = BallotPen.Scan(page, -1, 0.01f);
        var reading = BallotPictures.ScanAsJpeg(scan, folder.File("slip.jpg")).Marks(BallotPictures.Options.Length);
        Assert.That(reading.Choice, Is.Null, string.Join(" ", reading.InkRatios));
    }

    /// <summary>
    /// A scan cut off below the first box, which holds a clear cross: the boxes outside the picture cannot be read, so
    /// the scanner must not call the visible cross the only mark (the missing frames make it no reading at all).
    /// </summary>
    [Test]
    public void A_scan_cut_off_below_the_marked_box_is_no_choice()
    {
        const float Dpi = 150;
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(Dpi);
        BallotPen.Cross(page, Dpi, 0);
        var keep = (int)((BallotLayout.Box(1).Top + 4) * Dpi / 72f);
        using var cut = new SKBitmap(page.Width, keep, page.ColorType, page.AlphaType);
        using (var canvas = new SKCanvas(cut))
        {
            using var image = SKImage.FromBitmap(page);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        }

        using var scan = BallotPen.Scan(cut, 1, 0f);
        var reading = BallotPictures.ScanAsJpeg(scan, folder.File("cut.jpg")).Marks(BallotPictures.Options.Length);
        Assert.That(reading.Choice, Is.Null, string.Join(" ", reading.InkRatios));
        Assert.That(reading.Problem, Does.Contain("a cut-off scan"), "the missing frames make it no reading at all");
    }

    /// <summary>
    /// A mirrored picture (some phone cameras save front-camera photos mirrored): ZXing still decodes a mirrored QR code.
    /// Whatever the scanner makes of it, it must not be a clear vote for a box the voter did not mark.
    /// </summary>
    [TestCase(0)]
    [TestCase(2)]
    public void A_mirrored_photo_is_never_read_as_a_vote_for_another_box(int marked)
    {
        const float Dpi = 150;
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(Dpi);
        BallotPen.Cross(page, Dpi, marked);
        using var mirrored = new SKBitmap(page.Info);
        using (var canvas = new SKCanvas(mirrored))
        {
            canvas.Scale(-1, 1, page.Width / 2f, 0);
            using var image = SKImage.FromBitmap(page);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        }

        using var scan = BallotPen.Scan(mirrored, 3, 0.01f);
        ScannedBallot ballot;
        try
        {
            ballot = BallotPictures.ScanAsJpeg(scan, folder.File("mirrored.jpg"));
        }
        catch (UserInputException)
        {
            return; // not read at all: a person looks at the paper, which is safe
        }

        var reading = ballot.Marks(BallotPictures.Options.Length);
        Assert.That(reading.Choice, Is.Null.Or.EqualTo(marked), string.Join(" ", reading.InkRatios));
    }

    /// <summary>
    /// Time is bounded too: a small PNG (a few hundred kilobytes, 4 MP, well inside both bounds) tiled with QR finder
    /// patterns and no QR code. ZXing's finder looks at every candidate triple; the scanner must still answer "no QR
    /// code found" quickly, or one crafted picture in a feeder stack stalls the polling station. 300 dpi A4 scans take
    /// well under a second; five seconds is generous. (Tilings that keep ZXing busy far longer, bounded by the scanner's
    /// own deadline, are in the black-box
    /// PaperBallotCraftedImageTests.A_small_png_tiled_with_finder_patterns_does_not_stall_the_scanner, run in processes it can kill.)
    /// </summary>
    [TestCase(2000, 5, 50)]
    [TestCase(2000, 2, 16)]
    public void A_picture_tiled_with_finder_patterns_is_refused_within_seconds(int side, int module, int pitch)
    {
        using var folder = new TempFolder();
        var path = folder.File("finders.png");
        BallotPen.WriteFinderTiles(path, side, module, pitch);
        TestContext.Out.WriteLine($"{new FileInfo(path).Length:N0} bytes");

        var clock = Stopwatch.StartNew();
        Assert.That(() => ScannedBallot.Read(path), Throws.TypeOf<UserInputException>().With.Message.Contain("no QR code found"));
        clock.Stop();
        TestContext.Out.WriteLine($"refused after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// The largest picture the bounds admit (60 MP, here a blank 7,745 × 7,745 PNG of about 200 KB): refused as holding no
    /// QR code within a bounded time. Measures what the bounds allow.
    /// </summary>
    [Test]
    public void The_largest_admitted_picture_is_refused_within_seconds()
    {
        using var folder = new TempFolder();
        var path = folder.File("blank.png");
        const int Side = 7_745;
        using (var blank = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            blank.Erase(SKColors.White);
            using var data = blank.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, data.ToArray());
        }

        TestContext.Out.WriteLine($"{new FileInfo(path).Length:N0} bytes for {Side}x{Side} pixels");
        var clock = Stopwatch.StartNew();
        Assert.That(() => ScannedBallot.Read(path), Throws.TypeOf<UserInputException>().With.Message.Contain("no QR code found"));
        TestContext.Out.WriteLine($"refused after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The page with its QR code (and quiet zone) whited out and drawn again <paramref name="down"/> points lower.</summary>
    private static SKBitmap MoveQr(SKBitmap page, float dpi, float down)
    {
        var scale = dpi / 72f;
        var qr = BallotLayout.QrRect;
        var source = SKRectI.Round(new SKRect(qr.Left * scale, qr.Top * scale, qr.Right * scale, qr.Bottom * scale));
        var moved = page.Copy();
        using var canvas = new SKCanvas(moved);
        using var white = new SKPaint { Color = SKColors.White };
        canvas.DrawRect(new SKRect((qr.Left - 12) * scale, (qr.Top - 12) * scale, (qr.Right + 12) * scale, (qr.Bottom + 12 + down) * scale), white);
        using var image = SKImage.FromBitmap(page);
        canvas.DrawImage(image, source, new SKRect(source.Left, source.Top + (down * scale), source.Right, source.Bottom + (down * scale)),
            new SKSamplingOptions(SKFilterMode.Nearest), null);
        return moved;
    }
}
