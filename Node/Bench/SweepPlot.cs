using System.Globalization;
using SkiaSharp;

namespace VoteChain.Node.Bench;

/// <summary>
/// Latency against offered load for `bench --sweep`, drawn once with Skia onto an SVG canvas and a PNG surface: p50, p99
/// and p99.9 per step, the p99 bound, and the highest sustained rate marked.
/// </summary>
internal static class SweepPlot
{
    private const int Width = 800;
    private const int Height = 480;
    private const float Left = 80;
    private const float Right = 30;
    private const float Top = 40;
    private const float Bottom = 60;

    public static void Write(SweepReport report, string svgPath, string pngPath) =>
        PictureFiles.Write(Width, Height, canvas => Draw(canvas, report), svgPath, pngPath);

    private static void Draw(SKCanvas canvas, SweepReport report)
    {
        canvas.Clear(SKColors.White);
        var steps = report.Steps;
        var maxX = Math.Max(1, steps.Select(s => s.OfferedVotesPerSecond).DefaultIfEmpty(1).Max()) * 1.05;
        var maxY = Math.Max(report.MaxP99Ms, steps.Select(s => s.LatencyP999Ms).DefaultIfEmpty(1).Max()) * 1.1;
        SKPoint At(double rate, double ms) => new(
            (float)(Left + ((Width - Left - Right) * rate / maxX)),
            (float)(Height - Bottom - ((Height - Top - Bottom) * Math.Min(ms, maxY) / maxY)));

        using var face = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(face, 12);
        using var title = new SKFont(face, 15);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, Style = SKPaintStyle.Stroke };

        canvas.DrawText($"Commit latency against offered load ({report.Validators} validators, {report.Cores} cores, {report.StepSeconds:0} s per step)",
            Left, 24, SKTextAlign.Left, title, text);
        for (var i = 0; i <= 5; i++)
        {
            var ms = maxY * i / 5;
            var rate = maxX * i / 5;
            var y = At(0, ms).Y;
            var x = At(rate, 0).X;
            canvas.DrawLine(Left, y, Width - Right, y, grid);
            canvas.DrawLine(x, Top, x, Height - Bottom, grid);
            canvas.DrawText(Format(ms) + " ms", Left - 6, y + 4, SKTextAlign.Right, font, text);
            canvas.DrawText(Format(rate), x, Height - Bottom + 16, SKTextAlign.Center, font, text);
        }

        canvas.DrawLine(Left, Height - Bottom, Width - Right, Height - Bottom, ink);
        canvas.DrawLine(Left, Top, Left, Height - Bottom, ink);
        canvas.DrawText("offered votes/s", (Left + Width - Right) / 2, Height - 18, SKTextAlign.Center, font, text);

        using var bound = new SKPaint { Color = SKColors.Gray, StrokeWidth = 1, Style = SKPaintStyle.Stroke, PathEffect = SKPathEffect.CreateDash([6, 4], 0) };
        var boundY = At(0, report.MaxP99Ms).Y;
        canvas.DrawLine(Left, boundY, Width - Right, boundY, bound);
        canvas.DrawText($"p99 bound {Format(report.MaxP99Ms)} ms", Width - Right - 4, boundY - 4, SKTextAlign.Right, font, text);
        if (report.HighestSustainableVotesPerSecond > 0)
        {
            var x = At(report.HighestSustainableVotesPerSecond, 0).X;
            canvas.DrawLine(x, Top, x, Height - Bottom, bound);
            canvas.DrawText($"highest sustained {Format(report.HighestSustainableVotesPerSecond)}/s", x + 4, Top + 14, SKTextAlign.Left, font, text);
        }

        var series = new (string Name, SKColor Colour, Func<SweepStep, double> Value)[]
        {
            ("p50", new SKColor(31, 119, 180), s => s.LatencyP50Ms),
            ("p99", new SKColor(255, 127, 14), s => s.LatencyP99Ms),
            ("p99.9", new SKColor(214, 39, 40), s => s.LatencyP999Ms),
        };
        for (var k = 0; k < series.Length; k++)
        {
            var (name, colour, value) = series[k];
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            using var dot = new SKPaint { Color = colour, IsAntialias = true };
            for (var i = 0; i < steps.Count; i++)
            {
                var point = At(steps[i].OfferedVotesPerSecond, value(steps[i]));
                if (i > 0)
                {
                    canvas.DrawLine(At(steps[i - 1].OfferedVotesPerSecond, value(steps[i - 1])), point, line);
                }

                canvas.DrawCircle(point, 3, dot);
            }

            canvas.DrawLine(Left + 10, Top + 14 + (k * 16), Left + 30, Top + 14 + (k * 16), line);
            canvas.DrawText(name, Left + 36, Top + 18 + (k * 16), SKTextAlign.Left, font, text);
        }
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.#", CultureInfo.InvariantCulture);
}
