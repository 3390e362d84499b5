using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>How a box on a scanned ballot reads.</summary>
internal enum BoxReading
{
    Empty,
    Unclear,
    Marked,
}

/// <summary>What the boxes of one scanned ballot say: the single clearly marked option, or null when a human must decide.</summary>
internal sealed record MarkReading(IReadOnlyList<double> InkRatios, IReadOnlyList<BoxReading> Boxes)
{
    public int? Choice => Boxes.Count(b => b == BoxReading.Marked) == 1 && !Boxes.Contains(BoxReading.Unclear)
        ? Boxes.ToList().IndexOf(BoxReading.Marked)
        : null;

    /// <summary>Why there is no choice, in words for the polling station ("blank", "more than one box is marked", ...).</summary>
    public string Problem => Choice is not null ? "" : Boxes.Count(b => b == BoxReading.Marked) switch
    {
        > 1 => "more than one box is marked",
        _ when Boxes.Contains(BoxReading.Unclear) => "a mark is unclear",
        _ => "no box is marked",
    };
}

/// <summary>
/// Reads the boxes of a scanned ballot. The QR code's three finder centres, found in the picture and known on the
/// page (<see cref="BallotLayout.FinderCentres"/>), give an affine map from the page to the picture, so rotation, scale
/// and a slight skew all fall out of it. Inside each box (away from its printed border) a grid of points is sampled;
/// a point is ink when it is darker than 0.75 × the paper just beside that box, so a grey scan or a shadow does not
/// read as a mark. A box with ink on ≥ 10 % of its points is marked, 4–10 % is unclear (a stray dot, a faint
/// pencil), less is empty. Anything but exactly one marked box and no unclear one is left to a human.
/// </summary>
internal static class MarkReader
{
    public const double MarkedRatio = 0.10;
    public const double UnclearRatio = 0.04;
    private const double InkBelowPaper = 0.75;
    private const float Inset = 0.18f;
    private const int Grid = 24;

    public static MarkReading Read(ScannedImage image, IReadOnlyList<SKPoint> finders, int optionCount)
    {
        var map = PageToImage(finders);
        var ratios = new double[optionCount];
        var boxes = new BoxReading[optionCount];
        for (var i = 0; i < optionCount; i++)
        {
            ratios[i] = InkRatio(image, map, BallotLayout.Box(i), PaperLevel(image, map, BallotLayout.PaperBeside(i)));
            boxes[i] = double.IsNaN(ratios[i]) ? BoxReading.Unclear
                : ratios[i] >= MarkedRatio ? BoxReading.Marked
                : ratios[i] >= UnclearRatio ? BoxReading.Unclear
                : BoxReading.Empty;
        }

        return new MarkReading(ratios, boxes);
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
    private static double InkRatio(ScannedImage image, Func<SKPoint, SKPoint> map, SKRect box, double paper)
    {
        var threshold = InkBelowPaper * paper;
        var insetX = box.Width * Inset;
        var insetY = box.Height * Inset;
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
