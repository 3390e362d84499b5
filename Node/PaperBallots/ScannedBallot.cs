namespace VoteChain.Node.PaperBallots;

/// <summary>
/// A ballot read from a scan: the credential and ids from its QR code, and the picture with the code's position, from
/// which the marks are read once the election (and so the number of boxes) is known.
/// </summary>
internal sealed record ScannedBallot(PaperBallotPayload Payload, ScannedImage Image, FoundQr Qr)
{
    /// <summary>Loads <paramref name="path"/> within the bounds and decodes its QR code; anything else is one line naming the file.</summary>
    public static ScannedBallot Read(string path)
    {
        var image = ScannedImage.Load(path);
        var qr = QrLocator.Find(image)
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
