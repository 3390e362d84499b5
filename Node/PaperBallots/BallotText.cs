using System.Globalization;
using System.Text;
using SkiaSharp;

namespace VoteChain.Node.PaperBallots;

/// <summary>A block of text set to fit its space: the lines and the size they are drawn at.</summary>
internal sealed record FittedText(IReadOnlyList<string> Lines, float Size);

/// <summary>
/// Sets an election's title and options for paper once per print run, in the installed DejaVu fonts: each is wrapped
/// and, if need be, made smaller until it fits. Text the page cannot show truthfully is refused before anything is
/// registered: characters the font lacks (they would print as empty boxes), right-to-left scripts (drawn unshaped
/// they would read wrongly) and invisible format characters.
/// </summary>
internal sealed class BallotText : IDisposable
{
    private static readonly float[] TitleSizes = [20, 18, 16, 14, 12];
    private static readonly float[] OptionSizes = [14, 12, 10, 9];
    private const int OptionLines = 2;

    private BallotText(SKTypeface regular, SKTypeface bold, SKTypeface mono)
    {
        Regular = regular;
        Bold = bold;
        Mono = mono;
    }

    public SKTypeface Regular { get; }

    public SKTypeface Bold { get; }

    public SKTypeface Mono { get; }

    public static BallotText Load()
    {
        var regular = SKTypeface.FromFamilyName("DejaVu Sans");
        if (regular is null || !regular.FamilyName.StartsWith("DejaVu", StringComparison.Ordinal))
        {
            regular?.Dispose();
            throw new UserInputException("the DejaVu fonts are not installed (Debian: apt-get install fonts-dejavu-core); ballots are printed with them");
        }

        return new BallotText(regular,
            SKTypeface.FromFamilyName("DejaVu Sans", SKFontStyle.Bold) ?? regular,
            SKTypeface.FromFamilyName("DejaVu Sans Mono") ?? regular);
    }

    public FittedText Title(string title) =>
        Fit(title, "the title", Bold, TitleSizes, BallotLayout.TitleArea.Width, size => (int)(BallotLayout.TitleArea.Height / LineHeight(size)));

    public FittedText Option(int index, string name) =>
        Fit(name, $"option {index} '{name}'", Regular, OptionSizes, BallotLayout.LabelRight - BallotLayout.LabelLeft, _ => OptionLines);

    public static float LineHeight(float size) => size * 1.25f;

    public void Dispose()
    {
        Mono.Dispose();
        Bold.Dispose();
        Regular.Dispose();
    }

    private static FittedText Fit(string text, string what, SKTypeface face, float[] sizes, float width, Func<float, int> maxLines)
    {
        CheckPrintable(text, what, face);
        foreach (var size in sizes)
        {
            using var font = new SKFont(face, size);
            var lines = Wrap(text, font, width);
            if (lines.Count <= maxLines(size))
            {
                return new FittedText(lines, size);
            }
        }

        throw new UserInputException($"{what} is too long to fit on a paper ballot");
    }

    private static void CheckPrintable(string text, string what, SKTypeface face)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse)
            {
                throw new UserInputException($"{what} holds the invisible character U+{rune.Value:X4}; a paper ballot prints only visible text");
            }

            if (IsRightToLeft(rune))
            {
                throw new UserInputException($"{what} is in a right-to-left script, which paper ballots cannot print yet");
            }

            using var font = new SKFont(face);
            if (!font.ContainsGlyphs(rune.ToString()))
            {
                throw new UserInputException($"{what} holds '{rune}' (U+{rune.Value:X4}), which the ballot font cannot print");
            }
        }
    }

    /// <summary>Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms.</summary>
    private static bool IsRightToLeft(Rune rune) =>
        rune.Value is (>= 0x0590 and <= 0x08FF) or (>= 0xFB1D and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF);

    /// <summary>Greedy word wrap; a word wider than the line is broken between characters.</summary>
    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (font.MeasureText(candidate) <= width)
            {
                line = candidate;
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }

            line = word;
            while (font.MeasureText(line) > width)
            {
                var cut = line.Length - 1;
                while (cut > 1 && (font.MeasureText(line[..cut]) > width || char.IsHighSurrogate(line[cut - 1])))
                {
                    cut--;
                }

                lines.Add(line[..cut]);
                line = line[cut..];
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line);
        }

        return lines;
    }
}
