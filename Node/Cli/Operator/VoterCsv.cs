using System.Globalization;
using VoteChain.Consensus.Rules;
using VoteChain.Node.Files;

namespace VoteChain.Node.Cli.Operator;

/// <summary>One voter to register, with the line of the CSV it came from (for reporting a refused batch).</summary>
internal sealed record VoterLine(int Line, byte[] Credential, ulong Weight);

/// <summary>A CSV line that will not be registered, and why.</summary>
internal sealed record RefusedLine(int Line, string Reason);

/// <summary>
/// A voters CSV: <c>public_key_hex[,weight]</c> per line, an optional <c>public_key_hex,weight</c> header, blank
/// lines and <c>#</c> comments ignored. Every bad line is kept with its number and reason and the good ones are
/// still returned, so one typo in a list of thousands costs that line, not the whole registration.
/// </summary>
internal sealed class VoterCsv
{
    public const string Header = "public_key_hex,weight";

    private VoterCsv(IReadOnlyList<VoterLine> voters, IReadOnlyList<RefusedLine> refused)
    {
        Voters = voters;
        Refused = refused;
    }

    public IReadOnlyList<VoterLine> Voters { get; }

    public IReadOnlyList<RefusedLine> Refused { get; }

    public static VoterCsv Parse(string text)
    {
        var voters = new List<VoterLine>();
        var refused = new List<RefusedLine>();
        var firstLine = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var sawData = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var isHeader = !sawData && line.StartsWith("public_key", StringComparison.OrdinalIgnoreCase);
            sawData = true;
            if (isHeader)
            {
                continue;
            }

            var number = i + 1;
            try
            {
                var voter = ParseLine(line, number);
                var hex = HexInput.Format(voter.Credential);
                if (firstLine.TryGetValue(hex, out var earlier))
                {
                    throw new UserInputException($"duplicate of line {earlier}");
                }

                firstLine[hex] = number;
                voters.Add(voter);
            }
            catch (UserInputException e)
            {
                refused.Add(new RefusedLine(number, e.Message));
            }
        }

        return new VoterCsv(voters, refused);
    }

    private static VoterLine ParseLine(string line, int number)
    {
        var fields = line.Split(',');
        if (fields.Length > 2)
        {
            throw new UserInputException($"expected '{Header}', got {fields.Length} fields");
        }

        var key = HexInput.PublicKey(fields[0].Trim(), "public key");
        var weight = fields.Length == 2 ? Weight(fields[1].Trim()) : 1;
        return new VoterLine(number, key, weight);
    }

    private static ulong Weight(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight is >= 1 and <= RuleContext.MaxWeight
            ? weight
            : throw new UserInputException($"weight '{text}' is not a whole number from 1 to {RuleContext.MaxWeight}");
}
