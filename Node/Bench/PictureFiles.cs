using SkiaSharp;

namespace VoteChain.Node.Bench;

/// <summary>Draws one picture twice, onto an SVG canvas and a PNG surface, for the plots bench and soak write.</summary>
internal static class PictureFiles
{
    public static void Write(int width, int height, Action<SKCanvas> draw, string svgPath, string pngPath)
    {
        using (var stream = File.Create(svgPath))
        using (var svg = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            draw(svg);
        }

        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("Skia could not make a picture surface.");
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(pngPath, png.ToArray());
    }
}
