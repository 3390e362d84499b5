using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>One tally as the operator sees it: options with weights and shares, totals, turnout, height.</summary>
internal sealed class TallyView
{
    private readonly TallyJson _json;

    public TallyView(TallyResponse response)
    {
        var t = response.Tally;
        var options = response.Options.Select((name, i) =>
        {
            var weight = i < t.OptionWeights.Count ? t.OptionWeights[i] : 0;
            return new OptionJson(i, name, weight, Percent(weight, t.CountedWeight));
        }).ToList();
        _json = new TallyJson(response.ElectionId, response.Height, options, t.CountedWeight, t.CountedBallots,
            t.RegisteredCredentials, t.RegisteredWeight, Percent(t.CountedWeight, t.RegisteredWeight));
    }

    public void WriteJson(TextWriter output) => JsonOutput.Write(output, _json);

    /// <summary>The JSON on one line: --watch prints one object per update, a stream a script reads line by line.</summary>
    public void WriteJsonLine(TextWriter output)
    {
        using var indented = new StringWriter(CultureInfo.InvariantCulture);
        JsonOutput.Write(indented, _json);
        output.WriteLine(JsonNode.Parse(indented.ToString())!.ToJsonString());
    }

    public void WriteText(TextWriter output)
    {
        Table().Write(output);
        output.WriteLine(Summary());
    }

    public IRenderable ToRenderable() => new Rows(Table().ToRenderable(), new Text(Summary()));

    private TextTable Table() => new(["option", "weight", "share"], _json.Options
        .Select(o => new[] { o.Name, o.Weight.ToString(CultureInfo.InvariantCulture), Format(o.SharePercent) })
        .ToList());

    private string Summary() =>
        $"counted: weight {_json.CountedWeight} from {_json.CountedBallots} ballots\n" +
        $"turnout: {Format(_json.TurnoutPercent)} of registered weight {_json.RegisteredWeight} ({_json.RegisteredCredentials} credentials)\n" +
        $"height:  {_json.Height}";

    private static string Format(double percent) => percent.ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static double Percent(ulong part, ulong whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private sealed record TallyJson(string ElectionId, ulong Height, IReadOnlyList<OptionJson> Options, ulong CountedWeight,
        ulong CountedBallots, ulong RegisteredCredentials, ulong RegisteredWeight, double TurnoutPercent);

    private sealed record OptionJson(int Index, string Name, ulong Weight, double SharePercent);
}
