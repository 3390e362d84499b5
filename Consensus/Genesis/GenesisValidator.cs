using System.Text.RegularExpressions;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Genesis;

/// <summary>
/// Checks a genesis document before anyone runs a chain on it. Returns every problem as a sentence instead of
/// throwing, so an operator sees all mistakes at once. Pure: no I/O, no clock.
/// </summary>
public static partial class GenesisValidator
{
    public const int MaxNameLength = 64;

    /// <summary>All problems of a genesis meant to start a chain; empty when it is usable.</summary>
    public static IReadOnlyList<string> Validate(Protos.V1.Genesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var problems = new List<string>();
        if (!IsValidChainId(genesis.ChainId))
        {
            problems.Add(ChainIdProblem(genesis.ChainId));
        }

        if (genesis.GenesisTimeUnixMs <= 0)
        {
            problems.Add($"genesis time must be after 1970-01-01T00:00:00Z (got {genesis.GenesisTimeUnixMs} ms)");
        }

        if (genesis.Validators.Count == 0)
        {
            problems.Add("there are no validators: nobody could produce a block");
        }

        foreach (var validator in genesis.Validators)
        {
            problems.AddRange(ValidateValidator(validator));
        }

        AddDuplicates(problems, "validator public key", genesis.Validators.Select(v => Convert.ToHexStringLower(v.PublicKey.Span)));
        AddDuplicates(problems, "validator name", genesis.Validators.Select(v => v.Name));
        AddDuplicates(problems, "validator endpoint", genesis.Validators.Select(v => v.Endpoint));
        AddDuplicates(problems, "validator trustee key", genesis.Validators
            .Where(v => !v.TrusteeKey.IsEmpty)
            .Select(v => Convert.ToHexStringLower(v.TrusteeKey.Span)));

        if (genesis.Authorities.Count == 0)
        {
            problems.Add("there are no election authorities: nobody could create an election");
        }

        foreach (var authority in genesis.Authorities)
        {
            if (!Ed25519.IsWellFormedPublicKey(authority.Span))
            {
                problems.Add($"authority key {Convert.ToHexStringLower(authority.Span)} is not a valid Ed25519 public key");
            }
        }

        AddDuplicates(problems, "authority key", genesis.Authorities.Select(a => Convert.ToHexStringLower(a.Span)));
        problems.AddRange(ValidateParams(genesis.Params));
        return problems;
    }

    /// <summary>Problems of one validator entry on its own (not counting clashes with other entries).</summary>
    public static IReadOnlyList<string> ValidateValidator(ValidatorInfo validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var problems = new List<string>();
        if (!IsValidName(validator.Name))
        {
            problems.Add($"validator name '{validator.Name}' must be 1 to {MaxNameLength} printable characters");
        }

        if (!Ed25519.IsWellFormedPublicKey(validator.PublicKey.Span))
        {
            problems.Add($"validator '{validator.Name}' has an invalid Ed25519 public key "
                + $"'{Convert.ToHexStringLower(validator.PublicKey.Span)}'");
        }

        // Optional (a genesis from before secret ballots has none); when present it must be a key a signature can
        // verify against, and not the node key: the trustee key is a separate key so each can be kept or replaced alone.
        if (!validator.TrusteeKey.IsEmpty && !Ed25519.IsWellFormedPublicKey(validator.TrusteeKey.Span))
        {
            problems.Add($"validator '{validator.Name}' has an invalid Ed25519 trustee key "
                + $"'{Convert.ToHexStringLower(validator.TrusteeKey.Span)}'");
        }
        else if (!validator.TrusteeKey.IsEmpty && validator.TrusteeKey == validator.PublicKey)
        {
            problems.Add($"validator '{validator.Name}' uses its node key as its trustee key; the trustee key must be a separate key");
        }

        if (!IsValidEndpoint(validator.Endpoint))
        {
            problems.Add($"validator '{validator.Name}' endpoint '{validator.Endpoint}' "
                + "is not an absolute http or https URL (e.g. http://127.0.0.1:7100)");
        }

        return problems;
    }

    /// <summary>
    /// Problems of the consensus parameters. A block interval of 0 is allowed (it means: no empty blocks);
    /// the other values must be positive or the chain could not make progress.
    /// </summary>
    public static IReadOnlyList<string> ValidateParams(ConsensusParams? parameters)
    {
        if (parameters is null)
        {
            return ["consensus params are missing"];
        }

        var problems = new List<string>();
        AddIfZero(problems, "max_block_bytes", parameters.MaxBlockBytes);
        AddIfZero(problems, "max_block_txs", parameters.MaxBlockTxs);
        AddIfZero(problems, "propose_timeout_ms", parameters.ProposeTimeoutMs);
        AddIfZero(problems, "max_clock_drift_ms", parameters.MaxClockDriftMs);
        return problems;
    }

    /// <summary>A name for humans (logs, metrics): 1 to 64 characters, none of them control characters.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && !name.Any(char.IsControl);

    /// <summary>Lower-case, starts with a letter or digit, at most 64 characters: safe in file names and logs.</summary>
    public static bool IsValidChainId(string chainId) => ChainIdPattern().IsMatch(chainId);

    public static string ChainIdProblem(string chainId) =>
        $"chain id '{chainId}' must match [a-z0-9][a-z0-9._-]{{0,63}} (lower-case letters, digits, '.', '_', '-')";

    /// <summary>Longest endpoint URL a validator may announce (every peer keeps it, a governance change carries it).</summary>
    public const int MaxEndpointLength = 256;

    public static bool IsValidEndpoint(string endpoint) =>
        endpoint.Length <= MaxEndpointLength
        && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>
    /// The endpoint as every node compares it (scheme, host and port, lower case, nothing after): two endpoints with one
    /// identity reach one node, so no two validators may share one. Only for an endpoint <see cref="IsValidEndpoint"/> passed.
    /// </summary>
    public static string EndpointIdentity(string endpoint) =>
        new Uri(endpoint, UriKind.Absolute).GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    private static void AddIfZero(List<string> problems, string name, uint value)
    {
        if (value == 0)
        {
            problems.Add($"consensus param {name} must be greater than 0");
        }
    }

    private static void AddDuplicates(List<string> problems, string what, IEnumerable<string> values) =>
        problems.AddRange(values
            .GroupBy(v => v, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{what} '{g.Key}' appears {g.Count()} times"));

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex ChainIdPattern();
}
