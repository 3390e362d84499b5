using SkiaSharp;
using VoteChain.Node.PaperBallots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>Ballot pages rendered in process with the printer's own drawing code, for the reader's tests.</summary>
internal static class BallotPictures
{
    public const string Chain = "devnet";
    public const string Election = "council-2026";
    public static readonly string[] Options = ["Alice Novák", "Bob Dvořák", "Carol Smith", "None of the above"];

    public static PaperBallotPayload Payload { get; } = new(Chain, Election, [.. Enumerable.Range(7, 32).Select(i => (byte)i)]);

    /// <summary>The page at <paramref name="dpi"/>, as the PDF would rasterize it.</summary>
    public static SKBitmap Page(float dpi)
    {
        using var text = BallotText.Load();
        var sheet = new BallotSheet(Chain, Election, text.Title("Town council 2026 – seat 3"), [.. Options.Select((o, i) => text.Option(i, o))],
            Payload.Encode(), "TEST-CODE-0000");
        return Render(sheet, dpi);
    }

    public static SKBitmap Render(BallotSheet sheet, float dpi)
    {
        using var text = BallotText.Load();
        var scale = dpi / 72f;
        var page = new SKBitmap((int)(BallotLayout.PageWidth * scale), (int)(BallotLayout.PageHeight * scale), SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(page);
        canvas.Scale(scale);
        BallotPage.Draw(canvas, sheet, text);
        return page;
    }

    /// <summary>Saves, reloads through the scanner's bounded loader and reads the ballot, as `ballots scan` does.</summary>
    public static ScannedBallot ScanAsJpeg(SKBitmap scan, string path, int quality = 75)
    {
        VoteChain.Tests.Ballots.BallotPen.SaveJpeg(scan, path, quality);
        return ScannedBallot.Read(path);
    }
}
