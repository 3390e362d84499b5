using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// One tally as the operator sees it: options with weights and shares, totals, turnout, height. A secret election
/// shows turnout only (weights null) until its result is published, then the weights and whether this client
/// verified them (<see cref="SecretResult"/>).
/// </summary>
internal sealed class TallyView
{
    private readonly TallyJson _json;
    private readonly string? _secretSentence;

    private readonly ProvenTally? _proven;

    /// <param name="secret">For a secret election, this client's check of its result; null for an open election.</param>
    /// <param name="proven">The proof the tally was checked with (<c>--prove</c>, <c>--check</c>); null: the node's word.</param>
    public TallyView(TallyResponse response, SecretResult? secret = null, ProvenTally? proven = null)
    {
        _proven = proven;
        var t = response.Tally;
        var hidden = t.Secret && !t.ResultPublished;
        var options = response.Options.Select((name, i) =>
        {
            ulong? weight = hidden ? null : i < t.OptionWeights.Count ? t.OptionWeights[i] : 0;
            return new OptionJson(i, name, weight, weight is { } w ? Percent(w, t.CountedWeight) : null);
        }).ToList();
        _json = new TallyJson(response.ElectionId, response.Height, options, t.CountedWeight, t.CountedBallots,
            t.RegisteredCredentials, t.RegisteredWeight, Percent(t.CountedWeight, t.RegisteredWeight), t.Secret,
            t.Secret ? t.ResultPublished : null, t.Secret ? secret?.Verified : null,
            t.CountedWeight - t.ProxyWeight, t.ProxyWeight, t.DelegationsInForce, proven is not null,
            proven is null ? null : Convert.ToHexStringLower(proven.BlockHash));
        _secretSentence = t.Secret ? secret?.Sentence ?? (hidden ? "Encrypted: turnout only until the trustees publish the result" : null) : null;
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
        .Select(o => new[] { o.Name, o.Weight?.ToString(CultureInfo.InvariantCulture) ?? "-", o.SharePercent is { } p ? Format(p) : "-" })
        .ToList());

    private string Summary() =>
        (_secretSentence is null ? "" : $"secret:  {_secretSentence}\n") +
        $"counted: weight {_json.CountedWeight} from {_json.CountedBallots} ballots\n" +
        (_json.DelegationsInForce == 0 && _json.ProxyWeight == 0 ? ""
            : $"proxies: {_json.DirectWeight} cast directly, {_json.ProxyWeight} cast by proxies; {_json.DelegationsInForce} appointment{(_json.DelegationsInForce == 1 ? "" : "s")} in force\n") +
        $"turnout: {Format(_json.TurnoutPercent)} of registered weight {_json.RegisteredWeight} ({_json.RegisteredCredentials} credentials)\n" +
        $"height:  {_json.Height}" +
        (_proven is null ? ""
            : $"\nproven:  at height {_json.Height} (block {_json.ProvenBlockHash}, {_proven.Signatures} commit signatures), against the genesis file alone");

    private static string Format(double percent) => percent.ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static double Percent(ulong part, ulong whole) => whole == 0 ? 0 : 100.0 * part / whole;

    /// <summary>
    /// secret: whether votes are encrypted. result_published and result_verified are null for an open election;
    /// for a secret one result_verified is null until the result is published, then this client's own check against
    /// this node's records (deals, sums and shares all from that node; `votechain audit` checks the certified chain).
    /// direct_weight and proxy_weight split counted_weight: cast by voters themselves, and cast by proxies for holders
    /// who appointed them and did not vote; delegations_in_force counts appointments that move weight now (cast or
    /// waiting for their proxy to vote). proven: everything above was checked against a certified header with the genesis
    /// file alone (--prove, --check), at height, the block whose hash is proven_block_hash (null when not proven).
    /// </summary>
    private sealed record TallyJson(string ElectionId, ulong Height, IReadOnlyList<OptionJson> Options, ulong CountedWeight,
        ulong CountedBallots, ulong RegisteredCredentials, ulong RegisteredWeight, double TurnoutPercent, bool Secret,
        bool? ResultPublished, bool? ResultVerified, ulong DirectWeight, ulong ProxyWeight, ulong DelegationsInForce,
        bool Proven, string? ProvenBlockHash);

    /// <summary>weight and share_percent are null while a secret election's result is not published.</summary>
    private sealed record OptionJson(int Index, string Name, ulong? Weight, double? SharePercent);
}
