using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>
/// A scan or photo of a ballot as 8-bit grey pixels, one byte per pixel, row after row. Loading is bounded before
/// anything is buffered: the file's size before it is read (and the read stops at the bound even if the file grows), the
/// picture's width and height from its header before it is decoded. A file that is no picture is one clear line.
/// </summary>
internal sealed class ScannedImage
{
    public const long MaxFileBytes = 50L * 1024 * 1024;
    public const long MaxPixels = 60_000_000;
    private const int MaxSide = 20_000;

    private ScannedImage(byte[] pixels, int width, int height)
    {
        Pixels = pixels;
        Width = width;
        Height = height;
    }

    public byte[] Pixels { get; }

    public int Width { get; }

    public int Height { get; }

    public byte At(int x, int y) => Pixels[(y * Width) + x];

    public static ScannedImage Load(string path)
    {
        var bytes = ReadBounded(path);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new UserInputException($"{path} is not an image this scanner reads (PNG, JPEG, WebP, GIF, BMP)");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || info.Width > MaxSide || info.Height > MaxSide || (long)info.Width * info.Height > MaxPixels)
        {
            throw new UserInputException(
                $"{path} is {info.Width}x{info.Height} pixels; a ballot scan may have at most {MaxPixels / 1_000_000} megapixels (300 dpi A4 is 9)");
        }

        using var colour = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        // A picture cut short is refused, not read: whatever fills its missing rows must never be taken for paper or ink.
        var result = codec.GetPixels(colour.Info, colour.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
        {
            throw new UserInputException($"{path} is cut short (an incomplete image file); scan the ballot again");
        }

        if (result != SKCodecResult.Success)
        {
            throw new UserInputException($"{path} could not be decoded as an image ({result})");
        }

        return FromBitmap(colour);
    }

    /// <summary>Grey levels of a bitmap (Skia converts colour to luminance; transparent parts are shown on white paper).</summary>
    public static ScannedImage FromBitmap(SKBitmap bitmap)
    {
        var info = new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var grey = new SKBitmap(info);
        using (var canvas = new SKCanvas(grey))
        {
            canvas.Clear(SKColors.White);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        }

        var pixels = new byte[bitmap.Width * bitmap.Height];
        var span = grey.GetPixelSpan();
        for (var y = 0; y < bitmap.Height; y++)
        {
            span.Slice(y * grey.RowBytes, bitmap.Width).CopyTo(pixels.AsSpan(y * bitmap.Width));
        }

        return new ScannedImage(pixels, bitmap.Width, bitmap.Height);
    }

    /// <summary>Halves or otherwise shrinks the picture (averaging), for a QR code whose modules are many pixels wide.</summary>
    public ScannedImage Scaled(float factor)
    {
        var width = Math.Max(1, (int)(Width * factor));
        var height = Math.Max(1, (int)(Height * factor));
        using var source = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Pixels.CopyTo(source.GetPixelSpan());
        using var scaled = source.Resize(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return FromBitmap(scaled);
    }

    private static byte[] ReadBounded(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException(Directory.Exists(path) ? $"{path} is a folder, not an image" : $"{path} does not exist");
        }

        // A named pipe, a device or a /proc file reports no size (and a pipe would block the open until someone writes to
        // it, or feed the reader forever): only a regular file has bytes to count, and an empty file is no scan either.
        if (new FileInfo(path).Length == 0)
        {
            throw new UserInputException($"{path} is empty or not a regular file (a pipe or a device); give the scan's image file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.CanSeek && stream.Length > MaxFileBytes)
            {
                throw TooLarge(path);
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > MaxFileBytes)
                {
                    throw TooLarge(path);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read {path}: {e.Message}", e);
        }
    }

    private static UserInputException TooLarge(string path) =>
        new($"{path} is larger than {MaxFileBytes / (1024 * 1024)} MB; a ballot scan is far smaller");
}
