using System.CommandLine;
using System.CommandLine.Parsing;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The secret-ballot options of <c>election create</c>. Misuse is a parse error (exit 2, one line): a setting
/// without --secret, a trustee key that is not hex, choice bounds given alone or crossed. What only the chain knows
/// (the genesis validators' trustee keys, the election's option count) the node checks and refuses with a sentence.
/// </summary>
internal sealed class SecretElectionOptions
{
    private readonly Option<bool> _secret = new("--secret")
    {
        Description = "Secret ballot: each vote is encrypted on the voter's machine under a key the trustees generate on " +
            "chain before the election opens; no one sees a single vote, and only a threshold of trustees together can " +
            "decrypt the final tally, which anyone can check. Votes are accepted once the key is final.",
    };

    private readonly Option<uint?> _threshold = new("--threshold")
    {
        Description = "Trustees needed to decrypt. Default n - f with f = floor((n - 1) / 3): f colluding trustees cannot " +
            "reach it, and f absent trustees cannot block the result (4 trustees: 3; 7: 5).",
    };

    private readonly Option<string[]> _trustees = new("--trustee")
    {
        Description = "A trustee's Ed25519 trustee public key (hex; `votechain keys show` of its trustee key); repeat for " +
            "each, trustee 1 first. Default: the genesis validators' trustee keys (each validator node does its trustee " +
            "duties itself); named trustees run `votechain trustee run`.",
    };

    private readonly Option<uint?> _minChoices = new("--min-choices")
    {
        Description = "Approval ballot: the fewest options a voter must mark (with --max-choices). Default one-of-k: exactly one.",
    };

    private readonly Option<uint?> _maxChoices = new("--max-choices")
    {
        Description = "Approval ballot: the most options a voter may mark (with --min-choices).",
    };

    private readonly Option<uint?> _keyPhase = new("--key-phase")
    {
        Description = $"Seconds each of the three key generation phases (dealing, complaints, answers) lasts in block time " +
            $"(default {SecretSettings.DefaultKeyPhaseSeconds}); the election must close after all three.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_secret);
        command.Options.Add(_threshold);
        command.Options.Add(_trustees);
        command.Options.Add(_minChoices);
        command.Options.Add(_maxChoices);
        command.Options.Add(_keyPhase);
        _trustees.Validators.Add(CheckTrusteeKeys);
        command.Validators.Add(CheckCombination);
    }

    /// <summary>Whether --secret was given (for checks of other options that cannot go with it).</summary>
    public bool IsSecret(System.CommandLine.Parsing.CommandResult result) => result.GetValue(_secret);

    /// <summary>The settings to send, or null for an open election. Zero fields ask the node for its defaults.</summary>
    public SecretBallotSettings? Read(ParseResult parseResult)
    {
        if (!parseResult.GetValue(_secret))
        {
            return null;
        }

        var settings = new SecretBallotSettings
        {
            Threshold = parseResult.GetValue(_threshold) ?? 0,
            MinChoices = parseResult.GetValue(_minChoices) ?? 0,
            MaxChoices = parseResult.GetValue(_maxChoices) ?? 0,
            KeyPhaseSeconds = parseResult.GetValue(_keyPhase) ?? 0,
        };
        settings.Trustees.AddRange((parseResult.GetValue(_trustees) ?? []).Select(k => ByteString.CopyFrom(Convert.FromHexString(k))));
        return settings;
    }

    private static void CheckTrusteeKeys(OptionResult result)
    {
        foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
        {
            if (!IsTrusteeKey(text))
            {
                // One error, the first: a usage error is one line.
                result.AddError($"--trustee '{(text.Length <= 80 ? text : text[..77] + "...")}' is not an Ed25519 public key in hex (64 hex digits)");
                return;
            }
        }
    }

    private static bool IsTrusteeKey(string text)
    {
        if (text.Length != 2 * Ed25519.PublicKeySize)
        {
            return false;
        }

        try
        {
            return Ed25519.IsWellFormedPublicKey(Convert.FromHexString(text));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void CheckCombination(CommandResult result)
    {
        var given = new Option[] { _threshold, _trustees, _minChoices, _maxChoices, _keyPhase }
            .Where(o => result.GetResult(o) is { Implicit: false })
            .Select(o => o.Name)
            .ToList();
        if (!result.GetValue(_secret))
        {
            if (given.Count > 0)
            {
                result.AddError($"{string.Join(", ", given)} only apply to a secret election: add --secret");
            }

            return;
        }

        var min = result.GetValue(_minChoices);
        var max = result.GetValue(_maxChoices);
        if ((min is null) != (max is null))
        {
            result.AddError("give --min-choices and --max-choices together (neither: one-of-k)");
        }
        else if (min > max)
        {
            result.AddError($"--min-choices {min} is above --max-choices {max}");
        }
        else if (max == 0)
        {
            result.AddError("--max-choices must be at least 1");
        }
        else if (result.GetValue(_threshold) == 0)
        {
            result.AddError("--threshold must be at least 1 (leave it out for the default)");
        }
        else if (result.GetValue(_keyPhase) == 0)
        {
            result.AddError("--key-phase must be at least 1 second (leave it out for the default)");
        }
    }
}
