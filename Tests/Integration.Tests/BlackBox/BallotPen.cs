using SkiaSharp;

namespace VoteChain.Tests.Ballots;

/// <summary>
/// What happens to a paper ballot between the printer and the scanner, done to a rendered page: a pen marks a box, the
/// sheet lies a few degrees crooked (and slightly sheared) on a dark scanner lid, the scan is a little blurred, grey and
/// noisy, and it is saved as a JPEG. The box positions are the printed layout's, in points (docs/PAPER-BALLOTS.md).
/// </summary>
internal static class BallotPen
{
    public static SKRect Box(int option) => SKRect.Create(60, 270 + (option * 40), 26, 26);

    /// <summary>A ballpoint cross through the box (a faint one is a light pencil that barely shows).</summary>
    public static void Cross(SKBitmap page, float dpi, int option, bool faint = false)
    {
        using var canvas = new SKCanvas(page);
        canvas.Scale(dpi / 72f);
        var box = Box(option);
        using var pen = new SKPaint
        {
            Color = faint ? new SKColor(175, 175, 180) : new SKColor(20, 30, 120),
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
            StrokeWidth = faint ? 0.8f : 2.2f,
            StrokeCap = SKStrokeCap.Round,
        };
        canvas.DrawLine(box.Left + 3, box.Top + 4, box.Right - 2, box.Bottom - 2, pen);
        canvas.DrawLine(box.Right - 4, box.Top + 2, box.Left + 2, box.Bottom - 4, pen);
    }

    /// <summary>A stray dot of ink in the box: neither a mark nor nothing.</summary>
    public static void Dot(SKBitmap page, float dpi, int option)
    {
        using var canvas = new SKCanvas(page);
        canvas.Scale(dpi / 72f);
        var box = Box(option);
        using var ink = new SKPaint { Color = new SKColor(20, 30, 120), IsAntialias = true };
        canvas.DrawCircle(box.MidX + 3, box.MidY - 2, 2.2f, ink);
    }

    /// <summary>The page as a scanner sees it: turned by <paramref name="degrees"/>, sheared by <paramref name="shear"/>, on a dark lid.</summary>
    public static SKBitmap Scan(SKBitmap page, float degrees, float shear, int seed = 1)
    {
        var transform = SKMatrix.CreateTranslation(-page.Width / 2f, -page.Height / 2f)
            .PostConcat(SKMatrix.CreateSkew(shear, shear * 0.4f))
            .PostConcat(SKMatrix.CreateRotationDegrees(degrees));
        var bounds = transform.MapRect(new SKRect(0, 0, page.Width, page.Height));
        var width = (int)(bounds.Width * 1.04f) + 20;
        var height = (int)(bounds.Height * 1.04f) + 20;
        transform = transform.PostConcat(SKMatrix.CreateTranslation(width / 2f, height / 2f));
        var scan = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(scan))
        {
            canvas.Clear(new SKColor(70, 70, 70));
            canvas.SetMatrix(transform);
            using var image = SKImage.FromBitmap(page);
            using var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(0.6f, 0.6f) };
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), blur);
        }

        var pixels = scan.GetPixelSpan();
        var random = new Random(seed);
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var noise = (random.NextDouble() - 0.5) * 16;
            for (var channel = 0; channel < 3; channel++)
            {
                pixels[i + channel] = (byte)Math.Clamp(pixels[i + channel] - 18 + noise, 0, 255);
            }
        }

        return scan;
    }

    public static void SaveJpeg(SKBitmap bitmap, string path, int quality = 75)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A crafted non-ballot: a white PNG tiled with 7 × 7-module finder patterns (dark ring, white ring, dark 3 × 3 centre).</summary>
    public static void WriteFinderTiles(string path, int side, int module, int pitch)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.White);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var black = new SKPaint { Color = SKColors.Black };
            using var white = new SKPaint { Color = SKColors.White };
            for (var y = 10; y + (7 * module) < side; y += pitch)
            {
                for (var x = 10; x + (7 * module) < side; x += pitch)
                {
                    canvas.DrawRect(SKRect.Create(x, y, 7 * module, 7 * module), black);
                    canvas.DrawRect(SKRect.Create(x + module, y + module, 5 * module, 5 * module), white);
                    canvas.DrawRect(SKRect.Create(x + (2 * module), y + (2 * module), 3 * module, 3 * module), black);
                }
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
