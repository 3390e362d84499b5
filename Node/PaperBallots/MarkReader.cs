using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>How a box on a scanned ballot reads.</summary>
internal enum BoxReading
{
    Empty,
    Unclear,
    Marked,

    /// <summary>Ink in the box that runs on past it on both sides: a struck-out name as much as a mark.</summary>
    Crossed,
}

/// <summary>
/// What the boxes of one scanned ballot say: the single clearly marked option, or null when a human must decide.
/// <paramref name="LayoutProblem"/> is set when the printed boxes are not where the QR code puts them (a QR code cut
/// out and pasted on other paper, a cut-off scan): then no box is read at all.
/// </summary>
internal sealed record MarkReading(IReadOnlyList<double> InkRatios, IReadOnlyList<BoxReading> Boxes, string? LayoutProblem = null)
{
    public int? Choice => LayoutProblem is null && Boxes.Count(b => b == BoxReading.Marked) == 1
        && !Boxes.Any(b => b is BoxReading.Unclear or BoxReading.Crossed)
        ? Boxes.ToList().IndexOf(BoxReading.Marked)
        : null;

    /// <summary>Why there is no choice, in words for the polling station ("blank", "more than one box is marked", ...).</summary>
    public string Problem => Choice is not null ? "" : LayoutProblem ?? (Boxes.Count(b => b is BoxReading.Marked or BoxReading.Crossed) switch
    {
        > 1 => "more than one box is marked",
        _ when Boxes.Contains(BoxReading.Crossed) => "a line runs through a box and on past it (a struck-out name, or a mark?)",
        _ when Boxes.Contains(BoxReading.Unclear) => "a mark is unclear",
        _ => "no box is marked",
    });

    /// <summary>Whether a human may name this option: its box carries some ink (a blank box is never a vote) and the boxes were found.</summary>
    public bool MayBeChosen(int option) => LayoutProblem is null && Boxes[option] != BoxReading.Empty;
}

/// <summary>
/// Reads the boxes of a scanned ballot. The QR code's three finder centres, found in the picture and known on the
/// page (<see cref="BallotLayout.FinderCentres"/>), give an affine map from the page to the picture, so rotation, scale
/// and a slight skew all fall out of it. Inside each box (away from its printed border) a grid of points is sampled;
/// a point is ink when it is darker than 0.75 × the paper just beside that box, so a grey scan or a shadow does not
/// read as a mark. A box with ink on ≥ 10 % of its points is marked, 4–10 % is unclear (a stray dot, a faint
/// pencil), less is empty; a marked box whose ink runs on past it on both sides is crossed (a struck-out name looks
/// like that). Anything but exactly one marked box and no unclear or crossed one is left to a human.
/// The map is trusted only where the page agrees with it: every option's printed frame must be found where the QR code
/// puts it, and no frame one row below the last, so a QR code cut from one ballot and pasted on another paper (or one
/// row off) is never read as a vote for the box it happens to land on.
/// </summary>
internal static class MarkReader
{
    public const double MarkedRatio = 0.10;
    public const double UnclearRatio = 0.04;
    private const double InkBelowPaper = 0.75;
    private const float Inset = 0.18f;
    private const int Grid = 24;

    // The printed frames: found at ≥ 75 % of the points along a box's edges means present, ≥ 50 % where no box belongs
    // means a box is there; 12 points per edge.
    private const double FramePresent = 0.75;
    private const double FrameAbsent = 0.5;
    private const int FrameSamples = 12;

    // Ink on ≥ 4 % of the paper strip on each side of a marked box: a line runs through the whole row.
    private const double StrokeRatio = 0.04;

    public static MarkReading Read(ScannedImage image, IReadOnlyList<SKPoint> finders, int optionCount)
    {
        var map = PageToImage(finders);
        var ratios = new double[optionCount];
        var boxes = new BoxReading[optionCount];
        var papers = new double[optionCount];
        for (var i = 0; i < optionCount; i++)
        {
            papers[i] = PaperLevel(image, map, BallotLayout.PaperBeside(i));
            ratios[i] = InkRatio(image, map, BallotLayout.Box(i), papers[i]);
            boxes[i] = double.IsNaN(ratios[i]) ? BoxReading.Unclear
                : ratios[i] >= MarkedRatio ? (RunsPast(image, map, i, papers[i]) ? BoxReading.Crossed : BoxReading.Marked)
                : ratios[i] >= UnclearRatio ? BoxReading.Unclear
                : BoxReading.Empty;
        }

        return new MarkReading(ratios, boxes, LayoutProblem(image, map, optionCount, papers));
    }

    /// <summary>
    /// Null when the printed frames are where the map puts them: all of the options' frames, and none one row below the
    /// last (where the page has blank paper; a ballot with more options has a box there).
    /// </summary>
    private static string? LayoutProblem(ScannedImage image, Func<SKPoint, SKPoint> map, int optionCount, double[] papers)
    {
        const string Moved = "the printed boxes are not where this ballot's QR code puts them (a cut-off scan, or a QR code " +
            "moved or pasted from another ballot): set the paper aside for the election officials; it was not counted";
        for (var i = 0; i < optionCount; i++)
        {
            if (FrameShare(image, map, BallotLayout.Box(i), papers[i]) < FramePresent)
            {
                return Moved;
            }
        }

        return optionCount < BallotLayout.MaxOptions
            && FrameShare(image, map, BallotLayout.Box(optionCount), papers[optionCount - 1]) >= FrameAbsent
            ? Moved
            : null;
    }

    /// <summary>
    /// Share of points along a box's four printed edges where a dark line is found: at each point a short segment across
    /// the edge is searched for its darkest pixel, which absorbs the map's error of a pixel or two.
    /// </summary>
    private static double FrameShare(ScannedImage image, Func<SKPoint, SKPoint> map, SKRect box, double paper)
    {
        var threshold = 0.6 * paper;
        var found = 0;
        var total = 0;
        for (var k = 0; k < FrameSamples; k++)
        {
            var f = 0.15f + (0.7f * k / (FrameSamples - 1));
            var x = box.Left + (f * box.Width);
            var y = box.Top + (f * box.Height);
            foreach (var (edge, across) in new (SKPoint, SKPoint)[]
                     {
                         (new(x, box.Top), new(0, 1)), (new(x, box.Bottom), new(0, 1)),
                         (new(box.Left, y), new(1, 0)), (new(box.Right, y), new(1, 0)),
                     })
            {
                total++;
                var darkest = 255.0;
                for (var d = -3f; d <= 3f; d += 0.5f)
                {
                    if (Pixel(image, map(new SKPoint(edge.X + (across.X * d), edge.Y + (across.Y * d)))) is { } level)
                    {
                        darkest = Math.Min(darkest, level);
                    }
                }

                if (darkest < threshold)
                {
                    found++;
                }
            }
        }

        return found / (double)total;
    }

    /// <summary>
    /// Whether the ink of a marked box carries on through the paper left of it and the gap right of it, across the
    /// box's middle band: a line through the whole row, as one strikes out a name.
    /// </summary>
    private static bool RunsPast(ScannedImage image, Func<SKPoint, SKPoint> map, int option, double paper)
    {
        var box = BallotLayout.Box(option);
        var band = SKRect.Create(0, box.Top + 3, 0, box.Height - 6);
        var left = new SKRect(box.Left - 11, band.Top, box.Left - 4, band.Bottom);
        var right = BallotLayout.PaperBeside(option);
        return InkRatio(image, map, left, paper, inset: 0) >= StrokeRatio
            && InkRatio(image, map, new SKRect(right.Left, band.Top, right.Right, band.Bottom), paper, inset: 0) >= StrokeRatio;
    }

    /// <summary>The affine map sending the page's finder centres onto the picture's: x along top-left→top-right, y along top-left→bottom-left.</summary>
    private static Func<SKPoint, SKPoint> PageToImage(IReadOnlyList<SKPoint> found)
    {
        var page = BallotLayout.FinderCentres;
        var origin = found[1];
        var alongX = found[2] - found[1];
        var alongY = found[0] - found[1];
        var spanX = page[2].X - page[1].X;
        var spanY = page[0].Y - page[1].Y;
        return p =>
        {
            var s = (p.X - page[1].X) / spanX;
            var t = (p.Y - page[1].Y) / spanY;
            return new SKPoint(origin.X + (s * alongX.X) + (t * alongY.X), origin.Y + (s * alongX.Y) + (t * alongY.Y));
        };
    }

    /// <summary>Share of ink points inside the box; NaN when the box lies (partly) outside the picture, which a human must look at.</summary>
    private static double InkRatio(ScannedImage image, Func<SKPoint, SKPoint> map, SKRect box, double paper, float inset = Inset)
    {
        var threshold = InkBelowPaper * paper;
        var insetX = box.Width * inset;
        var insetY = box.Height * inset;
        var ink = 0;
        for (var j = 0; j < Grid; j++)
        {
            for (var i = 0; i < Grid; i++)
            {
                var point = map(new SKPoint(
                    box.Left + insetX + ((box.Width - (2 * insetX)) * (i + 0.5f) / Grid),
                    box.Top + insetY + ((box.Height - (2 * insetY)) * (j + 0.5f) / Grid)));
                if (Pixel(image, point) is not { } level)
                {
                    return double.NaN;
                }

                if (level < threshold)
                {
                    ink++;
                }
            }
        }

        return ink / (double)(Grid * Grid);
    }

    /// <summary>
    /// How white the paper strip is: its 80th percentile grey, so a pen stroke running out of the box into the strip
    /// does not darken the reference; white if the strip cannot be seen.
    /// </summary>
    private static double PaperLevel(ScannedImage image, Func<SKPoint, SKPoint> map, SKRect strip)
    {
        var levels = new List<byte>();
        for (var y = strip.Top; y <= strip.Bottom; y += 1.5f)
        {
            for (var x = strip.Left; x <= strip.Right; x += 1.5f)
            {
                if (Pixel(image, map(new SKPoint(x, y))) is { } level)
                {
                    levels.Add(level);
                }
            }
        }

        if (levels.Count == 0)
        {
            return 255;
        }

        levels.Sort();
        return levels[(int)(levels.Count * 0.8)];
    }

    private static byte? Pixel(ScannedImage image, SKPoint point)
    {
        var x = (int)MathF.Round(point.X);
        var y = (int)MathF.Round(point.Y);
        return x < 0 || y < 0 || x >= image.Width || y >= image.Height ? null : image.At(x, y);
    }
}
