using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>
/// Writes the ballots into one PDF, a page each. The file holds the one-time keys, so it is created new (never over an
/// existing file) with mode 0600 from its first byte, streamed page by page (no key is written anywhere else, not even a
/// temporary file), and deleted again if writing fails halfway.
/// </summary>
internal static class BallotPdf
{
    public static void Write(string path, IReadOnlyList<BallotSheet> sheets, BallotText text, Action<long> printed)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        FileStream stream;
        try
        {
            stream = File.Open(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new UserInputException($"{path} already exists (refusing to overwrite)");
        }

        try
        {
            using (stream)
            {
                WritePages(stream, sheets, text, printed);
                stream.Flush(flushToDisk: true);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static void WritePages(Stream stream, IReadOnlyList<BallotSheet> sheets, BallotText text, Action<long> printed)
    {
        var metadata = new SKDocumentPdfMetadata
        {
            Title = "VoteChain paper ballots",
            Creator = "votechain ballots print",
            RasterDpi = 300,
        };
        using var document = SKDocument.CreatePdf(stream, metadata)
            ?? throw new InvalidOperationException("SkiaSharp could not start a PDF document");
        for (var i = 0; i < sheets.Count; i++)
        {
            var canvas = document.BeginPage(BallotLayout.PageWidth, BallotLayout.PageHeight);
            BallotPage.Draw(canvas, sheets[i], text);
            document.EndPage();
            printed(i + 1);
        }

        document.Close();
    }
}
