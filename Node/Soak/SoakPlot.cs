using System.Globalization;
using SkiaSharp;

namespace VoteChain.Node.Soak;

/// <summary>
/// A soak's curves over time, drawn once with Skia onto an SVG canvas and a PNG surface: each node's resident memory
/// (top) and the size of its data folder (bottom), against minutes into the run.
/// </summary>
internal static class SoakPlot
{
    private const int Width = 800;
    private const int PanelHeight = 300;
    private const float Left = 80;
    private const float Right = 130;
    private const float Top = 40;
    private const float Bottom = 40;

    private static readonly SKColor[] Colours =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75),
    ];

    public static void Write(SoakSummary summary, string title, string svgPath, string pngPath) =>
        Bench.PictureFiles.Write(Width, PanelHeight * 2, canvas => Draw(canvas, summary, title), svgPath, pngPath);

    private static void Draw(SKCanvas canvas, SoakSummary summary, string title)
    {
        canvas.Clear(SKColors.White);
        using var face = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(face, 12);
        using var titleFont = new SKFont(face, 15);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Left, 24, SKTextAlign.Left, titleFont, text);
        Panel(canvas, summary, 0, "resident memory (MB)", s => s.RssBytes, font, text);
        Panel(canvas, summary, PanelHeight, "data folder (MB)", s => s.DataBytes, font, text);
    }

    private static void Panel(SKCanvas canvas, SoakSummary summary, float offset, string label, Func<SoakSample, long> value, SKFont font,
        SKPaint text)
    {
        var maxX = Math.Max(summary.Minutes, summary.Samples.Select(s => s.Minutes).DefaultIfEmpty(1).Max());
        var maxY = Math.Max(1, summary.Samples.Select(s => value(s) / (1024.0 * 1024)).DefaultIfEmpty(1).Max() * 1.1);
        SKPoint At(double minutes, double mb) => new(
            (float)(Left + ((Width - Left - Right) * minutes / maxX)),
            (float)(offset + PanelHeight - Bottom - ((PanelHeight - Top - Bottom) * mb / maxY)));

        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        for (var i = 0; i <= 5; i++)
        {
            var y = At(0, maxY * i / 5).Y;
            var x = At(maxX * i / 5, 0).X;
            canvas.DrawLine(Left, y, Width - Right, y, grid);
            canvas.DrawLine(x, offset + Top, x, offset + PanelHeight - Bottom, grid);
            canvas.DrawText(Format(maxY * i / 5), Left - 6, y + 4, SKTextAlign.Right, font, text);
            canvas.DrawText(Format(maxX * i / 5) + " min", x, offset + PanelHeight - Bottom + 16, SKTextAlign.Center, font, text);
        }

        canvas.DrawLine(Left, offset + PanelHeight - Bottom, Width - Right, offset + PanelHeight - Bottom, ink);
        canvas.DrawLine(Left, offset + Top, Left, offset + PanelHeight - Bottom, ink);
        canvas.DrawText(label, Left, offset + Top - 6, SKTextAlign.Left, font, text);

        var nodes = summary.Samples.GroupBy(s => s.Node).ToList();
        for (var k = 0; k < nodes.Count; k++)
        {
            var colour = Colours[k % Colours.Length];
            using var line = new SKPaint { Color = colour, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
            var points = nodes[k].OrderBy(s => s.Minutes).Select(s => At(s.Minutes, value(s) / (1024.0 * 1024))).ToList();
            for (var i = 1; i < points.Count; i++)
            {
                canvas.DrawLine(points[i - 1], points[i], line);
            }

            var legendY = offset + Top + 10 + (k * 16);
            canvas.DrawLine(Width - Right + 10, legendY, Width - Right + 30, legendY, line);
            canvas.DrawText(nodes[k].Key, Width - Right + 36, legendY + 4, SKTextAlign.Left, font, text);
        }
    }

    private static string Format(double value) => value.ToString(value >= 100 ? "N0" : "0.#", CultureInfo.InvariantCulture);
}
