using System.Globalization;
using System.Text.RegularExpressions;

namespace VoteChain.Integration.Tests.Metrics;

/// <summary>
/// One scrape of a node's /metrics in the Prometheus text format, read by series ("name{labels}" as written) so that
/// tests can compare values before and after traffic. The format itself is judged by promtool, not here.
/// </summary>
internal sealed partial class Scrape
{
    private readonly Dictionary<string, double> _series;

    private Scrape(string text, Dictionary<string, double> series)
    {
        Text = text;
        _series = series;
    }

    public string Text { get; }

    public IEnumerable<string> Series => _series.Keys;

    public static async Task<Scrape> TakeAsync(HttpClient http)
    {
        using var answer = await http.GetAsync("/metrics");
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.IsSuccessStatusCode, Is.True, $"GET /metrics: {(int)answer.StatusCode} {text}");
        Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (SeriesLine().Match(line) is { Success: true } match)
            {
                series[match.Groups["series"].Value] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return new Scrape(text, series);
    }

    /// <summary>The series' value; a series that is absent fails the test (a renamed metric must not read as zero).</summary>
    public double this[string series] =>
        _series.TryGetValue(series, out var value) ? value : throw new AssertionException($"no series {series} in the scrape:\n{Text}");

    [GeneratedRegex(@"^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?) (?<value>[^ ]+)( [0-9]+)?$")]
    private static partial Regex SeriesLine();
}
