using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace VoteChain.Node.PaperBallots;

/// <summary>A QR code found in a scan: its text and its three finder centres (bottom-left, top-left, top-right) in image pixels.</summary>
internal sealed record FoundQr(string Text, IReadOnlyList<SKPoint> Finders);

/// <summary>
/// Finds the ballot's QR code with ZXing at any rotation. ZXing is asked at full size first and then at half size
/// (averaging four pixels into one): it sometimes misses a code whose modules are many pixels wide or noisy. A very large
/// picture is tried smaller first, which is faster and enough for a page that fills it.
/// </summary>
internal static class QrLocator
{
    private const int ComfortableLongSide = 2000;

    public static FoundQr? Find(ScannedImage image)
    {
        var longSide = Math.Max(image.Width, image.Height);
        float[] factors = longSide > ComfortableLongSide ? [ComfortableLongSide / (float)longSide, 1f] : [1f, 0.5f];
        foreach (var factor in factors)
        {
            var attempt = factor == 1f ? image : image.Scaled(factor);
            if (Decode(attempt) is { } found)
            {
                var back = image.Width / (float)attempt.Width;
                return found with { Finders = [.. found.Finders.Select(p => new SKPoint(p.X * back, p.Y * back))] };
            }
        }

        return null;
    }

    private static FoundQr? Decode(ScannedImage image)
    {
        var reader = new BarcodeReaderGeneric
        {
            // Rotation is handled by the QR finder itself; ZXing's AutoRotate only turns 1-D codes and costs time.
            AutoRotate = false,
            Options = new DecodingOptions { TryHarder = true, PossibleFormats = [BarcodeFormat.QR_CODE] },
        };
        var source = new RGBLuminanceSource(image.Pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        var result = reader.Decode(source);
        if (result?.Text is null || result.ResultPoints is not { Length: >= 3 } points)
        {
            return null;
        }

        return new FoundQr(result.Text, [.. points.Take(3).Select(p => new SKPoint(p.X, p.Y))]);
    }
}
