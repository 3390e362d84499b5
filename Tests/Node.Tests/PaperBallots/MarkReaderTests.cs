using VoteChain.Node.PaperBallots;
using VoteChain.Tests.Ballots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// The scanner's reading of a printed ballot: the QR code and the marked box, from pages drawn by the printer's code,
/// marked with a pen, turned and sheared on a scanner and saved as JPEG. Only one clear mark is a choice.
/// </summary>
public sealed class MarkReaderTests
{
    [Test]
    public void A_blank_ballot_has_no_choice()
    {
        var reading = Read(dpi: 150, degrees: 3, mark: _ => { });
        Assert.That(reading.Choice, Is.Null, Ratios(reading));
        Assert.That(reading.Problem, Is.EqualTo("no box is marked"));
    }

    [Test]
    public void One_cross_is_the_choice()
    {
        var reading = Read(dpi: 150, degrees: -4, mark: page => BallotPen.Cross(page, 150, 2));
        Assert.That(reading.Choice, Is.EqualTo(2), Ratios(reading));
        Assert.That(reading.Boxes.Count(b => b == BoxReading.Empty), Is.EqualTo(3));
    }

    [Test]
    public void Two_crosses_are_no_choice()
    {
        var reading = Read(dpi: 150, degrees: 2, mark: page =>
        {
            BallotPen.Cross(page, 150, 0);
            BallotPen.Cross(page, 150, 3);
        });
        Assert.That(reading.Choice, Is.Null, Ratios(reading));
        Assert.That(reading.Problem, Is.EqualTo("more than one box is marked"));
    }

    [Test]
    public void A_stray_dot_beside_a_cross_makes_the_ballot_unclear()
    {
        var reading = Read(dpi: 200, degrees: -2, mark: page =>
        {
            BallotPen.Cross(page, 200, 1);
            BallotPen.Dot(page, 200, 3);
        });
        Assert.That(reading.Boxes[3], Is.EqualTo(BoxReading.Unclear), Ratios(reading));
        Assert.That(reading.Choice, Is.Null);
        Assert.That(reading.Problem, Is.EqualTo("a mark is unclear"));
    }

    [Test]
    public void A_faint_pencil_cross_alone_is_not_taken_as_a_vote()
    {
        var reading = Read(dpi: 150, degrees: 5, mark: page => BallotPen.Cross(page, 150, 1, faint: true));
        Assert.That(reading.Choice, Is.Null, Ratios(reading));
    }

    /// <summary>The range print → scan is promised for (docs/PAPER-BALLOTS.md): 150–300 dpi, any quarter turn ±10°, shear up to 0.04.</summary>
    [TestCase(150f, 7f, 0.03f)]
    [TestCase(150f, -10f, 0f)]
    [TestCase(200f, 183f, 0.04f)]
    [TestCase(300f, -93f, 0.02f)]
    [TestCase(100f, 4f, 0.02f)]
    public void The_qr_code_and_the_mark_are_read_across_resolutions_turns_and_shear(float dpi, float degrees, float shear)
    {
        var reading = Read(dpi, degrees, page => BallotPen.Cross(page, dpi, 3), shear);
        Assert.That(reading.Choice, Is.EqualTo(3), Ratios(reading));
    }

    private static MarkReading Read(float dpi, float degrees, Action<SkiaSharp.SKBitmap> mark, float shear = 0.02f)
    {
        using var folder = new TempFolder();
        using var page = BallotPictures.Page(dpi);
        mark(page);
        using var scan = BallotPen.Scan(page, degrees, shear);
        var ballot = BallotPictures.ScanAsJpeg(scan, folder.File("scan.jpg"));
        Assert.That(ballot.Payload.Seed, Is.EqualTo(BallotPictures.Payload.Seed));
        Assert.That(ballot.Payload.ElectionId, Is.EqualTo(BallotPictures.Election));
        return ballot.Marks(BallotPictures.Options.Length);
    }

    private static string Ratios(MarkReading reading) => "ink ratios " + string.Join(" ", reading.InkRatios.Select(r => r.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)));
}
