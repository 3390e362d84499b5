using System.CommandLine;
using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Node.Anonymous;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The anonymous-election options of <c>election create</c>. Misuse is a parse error (exit 2): a setting without
/// --anonymous, or --anonymous without an issuer. What only the chain knows (the block time) the node checks.
/// </summary>
internal sealed class AnonymousElectionOptions
{
    private readonly Option<bool> _anonymous = new("--anonymous")
    {
        Description = "Anonymous eligibility: `voters register` then registers the roll of who may vote, and each voter gets an " +
            "anonymous credential from every issuer by blind signature (`votechain credential request`), so no authority or " +
            "issuer can tell which credential is whose. Only those credentials vote.",
    };

    private readonly Option<string[]> _issuers = new("--issuer")
    {
        Description = $"An issuer's public file (FILE{Cli.IssuerCommands.PublicSuffix} from `votechain issuer init --out FILE`); repeat for " +
            $"each, 1 to {AnonymousElection.MaxIssuers}. Every issuer must sign every credential, so no single one can mint credentials.",
    };

    private readonly Option<string?> _issuingCloses = new("--issuing-closes")
    {
        Description = "When issuers stop serving the roll, and the roll closes: ISO-8601 or relative (+1h); default the " +
            "election's opening (which must then be in the future).",
    };

    private readonly Option<string?> _registrationOpens = new("--registration-opens")
    {
        Description = "When credentials may start to register: ISO-8601 or relative (+1h); default when issuing closes, and " +
            "never earlier, so that issuing and registering cannot be linked by their timing.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_anonymous);
        command.Options.Add(_issuers);
        command.Options.Add(_issuingCloses);
        command.Options.Add(_registrationOpens);
        command.Validators.Add(result =>
        {
            var given = new Option[] { _issuers, _issuingCloses, _registrationOpens }
                .Where(o => result.GetResult(o) is { Implicit: false })
                .Select(o => o.Name)
                .ToList();
            if (!result.GetValue(_anonymous))
            {
                if (given.Count > 0)
                {
                    result.AddError($"{string.Join(", ", given)} only apply to an anonymous election: add --anonymous");
                }
            }
            else if ((result.GetValue(_issuers) ?? []).Length is 0 or > AnonymousElection.MaxIssuers)
            {
                result.AddError($"--anonymous needs 1 to {AnonymousElection.MaxIssuers} --issuer files");
            }
        });
    }

    /// <summary>The settings to send, or null for an election whose authority registers the voters' keys.</summary>
    public AnonymousSettings? Read(ParseResult parseResult, DateTimeOffset now)
    {
        if (!parseResult.GetValue(_anonymous))
        {
            return null;
        }

        var settings = new AnonymousSettings
        {
            IssuingClosesAtUnixMs = parseResult.GetValue(_issuingCloses) is { } closes ? TimeInput.Parse(closes, "--issuing-closes", now) : 0,
            RegistrationOpensAtUnixMs = parseResult.GetValue(_registrationOpens) is { } opens
                ? TimeInput.Parse(opens, "--registration-opens", now)
                : 0,
        };
        settings.Issuers.AddRange((parseResult.GetValue(_issuers) ?? []).Select(f => ByteString.CopyFrom(IssuerPublicFile.Load(f))));
        return settings;
    }
}
