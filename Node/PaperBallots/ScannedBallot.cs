namespace VoteChain.Node.PaperBallots;

/// <summary>
/// A ballot read from a scan: the credential and ids from its QR code, and the picture with the code's position, from
/// which the marks are read once the election (and so the number of boxes) is known.
/// </summary>
internal sealed record ScannedBallot(PaperBallotPayload Payload, ScannedImage Image, FoundQr Qr)
{
    /// <summary>How long the QR search may take on one picture (a real ballot: 0.05 to 0.8 s on this project's machine).</summary>
    public static readonly TimeSpan QrDeadline = TimeSpan.FromSeconds(6);

    /// <summary>Loads <paramref name="path"/> within the bounds and decodes its QR code; anything else is one line naming the file.</summary>
    public static ScannedBallot Read(string path)
    {
        var image = ScannedImage.Load(path);
        // ZXing's search has no bound of its own: a picture tiled with finder-like squares can keep it busy for minutes.
        // A ballot decodes in well under a second, so past the deadline the picture is given up (the search runs on in
        // the background until the command ends, which the polling station's next scan does not wait for).
        var search = Task.Run(() => QrLocator.Find(image));
        if (!search.Wait(QrDeadline))
        {
            throw new UserInputException(
                $"{path}: no QR code could be read within {QrDeadline.TotalSeconds:0} s (the picture is crowded with code-like patterns); not a ballot scan");
        }

        var qr = search.Result
            ?? throw new UserInputException(
                $"{path}: no QR code found; scan the whole page flat, in focus, at 150 dpi or more");
        try
        {
            return new ScannedBallot(PaperBallotPayload.Decode(qr.Text), image, qr);
        }
        catch (UserInputException e)
        {
            throw new UserInputException($"{path}: {e.Message}", e);
        }
    }

    public MarkReading Marks(int optionCount) => MarkReader.Read(Image, Qr.Finders, Math.Min(optionCount, BallotLayout.MaxOptions));
}
