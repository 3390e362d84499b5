using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>
/// Where everything sits on a paper ballot (layout version <see cref="PaperBallotPayload.Version"/>), in PDF points on A4
/// with y downwards. The printer draws with these numbers and the scanner finds the boxes with the same numbers: the
/// QR code's three finder patterns, located in the scan, map this page onto the image.
/// </summary>
internal static class BallotLayout
{
    public const float PageWidth = 595;
    public const float PageHeight = 842;
    public const float Margin = 50;

    /// <summary>Fixed QR version, so the symbol's geometry (and thus the finder centres) is the same on every ballot: 61 modules, ECC M holds 251 bytes.</summary>
    public const int QrVersion = 11;
    public const int QrModules = 17 + (4 * QrVersion);

    /// <summary>The QR symbol (without its quiet zone): 160 pt, a module is 2.6 pt (0.93 mm, 5.5 pixels at 150 dpi).</summary>
    public static readonly SKRect QrRect = new(385, 40, 545, 200);

    /// <summary>The title is set left of the QR code and its 4-module quiet zone.</summary>
    public static readonly SKRect TitleArea = new(Margin, 40, 365, 215);

    public const float InstructionBaseline = 245;

    /// <summary>Options: a box to mark, its label to the right; as many as fit above the footer.</summary>
    public const int MaxOptions = 13;
    public const float BoxSize = 26;
    private const float BoxLeft = 60;
    private const float FirstBoxTop = 270;
    private const float OptionPitch = 40;
    public const float LabelLeft = BoxLeft + BoxSize + 16;
    public const float LabelRight = PageWidth - Margin;

    public const float FooterBaseline = PageHeight - 30;

    public static float Module => QrRect.Width / QrModules;

    public static SKRect Box(int option) =>
        SKRect.Create(BoxLeft, FirstBoxTop + (option * OptionPitch), BoxSize, BoxSize);

    /// <summary>The finder pattern centres, in the order ZXing reports them: bottom-left, top-left, top-right.</summary>
    public static IReadOnlyList<SKPoint> FinderCentres { get; } =
    [
        new(QrRect.Left + (3.5f * Module), QrRect.Bottom - (3.5f * Module)),
        new(QrRect.Left + (3.5f * Module), QrRect.Top + (3.5f * Module)),
        new(QrRect.Right - (3.5f * Module), QrRect.Top + (3.5f * Module)),
    ];

    /// <summary>Plain paper just right of a box, before its label: the scanner's reference for how white the paper is there.</summary>
    public static SKRect PaperBeside(int option)
    {
        var box = Box(option);
        return new SKRect(box.Right + 4, box.Top, box.Right + 12, box.Bottom);
    }
}
