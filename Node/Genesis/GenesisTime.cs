using System.Globalization;

namespace VoteChain.Node.Genesis;

/// <summary>Genesis time as text: ISO-8601 in UTC with millisecond precision, the precision of the chain.</summary>
public static class GenesisTime
{
    private const string OutputFormat = "yyyy-MM-dd'T'HH:mm:ss.FFF'Z'";

    // Date and time are mandatory; the fraction and the offset are optional (no offset means UTC).
    private static readonly string[] InputFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static string Format(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString(OutputFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO-8601 time to Unix milliseconds; anything finer than a millisecond is dropped.</summary>
    public static long Parse(string text, string what) =>
        DateTimeOffset.TryParseExact(text, InputFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeMilliseconds()
            : throw new UserInputException($"{what} '{text}' is not an ISO-8601 time such as 2025-01-31T12:00:00Z");
}
