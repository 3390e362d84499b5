using QRCoder;
using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>What one printed ballot shows: the election's fitted text (the same on every page) and this ballot's QR text and code.</summary>
internal sealed record BallotSheet(string ChainId, string ElectionId, FittedText Title, IReadOnlyList<FittedText> Options, string QrText, string Code);

/// <summary>
/// Draws one ballot page on a canvas in layout points (<see cref="BallotLayout"/>): title, instruction, a box per option,
/// the QR code with the ballot code under it, and a footer. Text is drawn as text: the PDF embeds the fonts once
/// (about 1 MB) and each page then costs a few kilobytes, where outlined text cost about 45 KB a page.
/// </summary>
internal static class BallotPage
{
    public static void Draw(SKCanvas canvas, BallotSheet sheet, BallotText text)
    {
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var outline = new SKPaint { Color = SKColors.Black, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f };

        var title = BallotLayout.TitleArea;
        DrawLines(canvas, sheet.Title, text.Bold, title.Left, title.Top + sheet.Title.Size, ink);
        using (var body = new SKFont(text.Regular, 12))
        {
            DrawText(canvas, "Mark ONE box with a cross or fill it in. Do not fold, cut or write on the QR code.",
                BallotLayout.Margin, BallotLayout.InstructionBaseline, body, ink);
        }

        for (var i = 0; i < sheet.Options.Count; i++)
        {
            var box = BallotLayout.Box(i);
            canvas.DrawRect(box, outline);
            var label = sheet.Options[i];
            var lineHeight = BallotText.LineHeight(label.Size);
            var firstBaseline = box.MidY + (label.Size * 0.35f) - ((label.Lines.Count - 1) * lineHeight / 2);
            DrawLines(canvas, label, text.Regular, BallotLayout.LabelLeft, firstBaseline, ink);
        }

        DrawQr(canvas, sheet.QrText);
        using (var mono = new SKFont(text.Mono, 14))
        {
            DrawCentred(canvas, sheet.Code, BallotLayout.QrRect.MidX, BallotLayout.QrRect.Bottom + 22, mono, ink);
        }

        using var small = new SKFont(text.Regular, 8);
        DrawText(canvas, $"VoteChain paper ballot · chain {sheet.ChainId} · election {sheet.ElectionId} · counts once",
            BallotLayout.Margin, BallotLayout.FooterBaseline, small, ink);
    }

    /// <summary>The QR symbol's modules (quiet zone excluded): fixed version and ECC level, so every ballot has the same geometry.</summary>
    public static bool[,] QrModules(string qrText)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(qrText, QRCodeGenerator.ECCLevel.M, forceUtf8: false, utf8BOM: false,
            QRCodeGenerator.EciMode.Default, requestedVersion: BallotLayout.QrVersion);
        var size = BallotLayout.QrModules;
        var quiet = (data.ModuleMatrix.Count - size) / 2;
        var modules = new bool[size, size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                modules[y, x] = data.ModuleMatrix[y + quiet][x + quiet];
            }
        }

        return modules;
    }

    /// <summary>
    /// The QR code as an image of 8 × 8 pixels per module: far smaller in the PDF than one rectangle per module (a few
    /// kilobytes a page instead of tens), and big enough that a viewer or printer smoothing it when scaling blurs only
    /// the outer eighth of a module's edge.
    /// </summary>
    private static void DrawQr(SKCanvas canvas, string qrText)
    {
        const int PixelsPerModule = 8;
        var modules = QrModules(qrText);
        var side = BallotLayout.QrModules * PixelsPerModule;
        using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                pixels[(y * bitmap.RowBytes) + x] = modules[y / PixelsPerModule, x / PixelsPerModule] ? (byte)0 : (byte)255;
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, BallotLayout.QrRect, new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
    }

    private static void DrawLines(SKCanvas canvas, FittedText text, SKTypeface face, float left, float firstBaseline, SKPaint ink)
    {
        using var font = new SKFont(face, text.Size);
        for (var i = 0; i < text.Lines.Count; i++)
        {
            DrawText(canvas, text.Lines[i], left, firstBaseline + (i * BallotText.LineHeight(text.Size)), font, ink);
        }
    }

    private static void DrawCentred(SKCanvas canvas, string text, float centre, float baseline, SKFont font, SKPaint ink) =>
        DrawText(canvas, text, centre - (font.MeasureText(text) / 2), baseline, font, ink);

    private static void DrawText(SKCanvas canvas, string text, float left, float baseline, SKFont font, SKPaint ink)
    {
        canvas.DrawText(text, left, baseline, SKTextAlign.Left, font, ink);
    }
}
