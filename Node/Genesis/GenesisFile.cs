using System.Text.Json;
using Google.Protobuf;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Genesis;

/// <summary>
/// Reads and writes the genesis message as readable JSON (see <see cref="GenesisJson"/>). Loading checks the
/// form (JSON shape, hex, key encoding); whether the content makes a usable chain is GenesisValidator's job.
/// </summary>
public static class GenesisFile
{
    private const string What = "genesis file";

    public static GenesisMessage Load(string path) => FromText(SafeFile.ReadAllText(path, What), path);

    /// <summary>
    /// The genesis in a genesis file's text (<paramref name="path"/> only names it in errors). Untrusted text gets a
    /// <see cref="UserInputException"/> and nothing else: the fuzzer holds it to that.
    /// </summary>
    public static GenesisMessage FromText(string text, string path)
    {
        var json = Parse(path, text);
        var genesis = new GenesisMessage
        {
            ChainId = json.ChainId,
            GenesisTimeUnixMs = GenesisTime.Parse(json.GenesisTime, $"genesis_time in {path}"),
            Params = new ConsensusParams
            {
                MaxBlockBytes = json.Params.MaxBlockBytes,
                MaxBlockTxs = json.Params.MaxBlockTxs,
                ProposeTimeoutMs = json.Params.ProposeTimeoutMs,
                BlockIntervalMs = json.Params.BlockIntervalMs,
                MaxClockDriftMs = json.Params.MaxClockDriftMs,
            },
        };
        for (var i = 0; i < json.Validators.Count; i++)
        {
            // Nullable annotations are not enforced on list elements, so a JSON null gets this far.
            var validator = json.Validators[i]
                ?? throw new UserInputException($"validators[{i}] in {path} is null instead of a validator");
            genesis.Validators.Add(new ValidatorInfo
            {
                Name = validator.Name,
                PublicKey = PublicKey(validator.PublicKey, $"validators[{i}].public_key in {path}"),
                Endpoint = validator.Endpoint,
                TrusteeKey = validator.TrusteeKey is null
                    ? ByteString.Empty
                    : PublicKey(validator.TrusteeKey, $"validators[{i}].trustee_key in {path}"),
            });
        }

        for (var i = 0; i < json.Authorities.Count; i++)
        {
            genesis.Authorities.Add(PublicKey(json.Authorities[i] ?? "null", $"authorities[{i}] in {path}"));
        }

        return genesis;
    }

    /// <summary>Writes a new genesis file; refuses to overwrite one.</summary>
    public static void CreateNew(string path, GenesisMessage genesis) =>
        SafeFile.CreateNew(path, ToText(genesis), isPrivate: false, What);

    /// <summary>Rewrites an existing genesis file atomically.</summary>
    public static void Replace(string path, GenesisMessage genesis) => SafeFile.Replace(path, ToText(genesis), What);

    public static string ToText(GenesisMessage genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var parameters = genesis.Params ?? new ConsensusParams();
        var json = new GenesisJson(
            genesis.ChainId,
            GenesisTime.Format(genesis.GenesisTimeUnixMs),
            [.. genesis.Validators.Select(v => new ValidatorJson(v.Name, HexInput.Format(v.PublicKey.Span), v.Endpoint,
                v.TrusteeKey.IsEmpty ? null : HexInput.Format(v.TrusteeKey.Span)))],
            [.. genesis.Authorities.Select(a => HexInput.Format(a.Span))],
            new ParamsJson(
                parameters.MaxBlockBytes,
                parameters.MaxBlockTxs,
                parameters.ProposeTimeoutMs,
                parameters.BlockIntervalMs,
                parameters.MaxClockDriftMs));
        return JsonSerializer.Serialize(json, GenesisJsonContext.Default.GenesisJson) + "\n";
    }

    private static GenesisJson Parse(string path, string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, GenesisJsonContext.Default.GenesisJson)
                ?? throw new UserInputException($"{What} {path} holds null instead of a genesis");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{What} {path} is not a valid genesis file: {e.Message}", e);
        }
    }

    private static ByteString PublicKey(string hex, string what) => ByteString.CopyFrom(HexInput.PublicKey(hex, what));
}
