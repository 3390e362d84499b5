using System.CommandLine;
using VoteChain.Node.Genesis;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Cli.Verify;

/// <summary>The --genesis option of the verifying commands: the only thing they trust.</summary>
internal static class VerifyGenesis
{
    public static Option<string> Option() => new("--genesis")
    {
        Description = Description,
        Required = true,
    };

    /// <summary>The option where only some uses of a command verify (those check it is given themselves).</summary>
    public static Option<string?> Optional(string when) => new("--genesis") { Description = $"{Description} Needed {when}." };

    private const string Description = "Path of the chain's genesis file: its validators and chain id are all that is trusted.";

    public static GenesisMessage Load(string path)
    {
        var genesis = GenesisFile.Load(path);
        return genesis.Validators.Count > 0
            ? genesis
            : throw new UserInputException($"genesis file {path} lists no validators, so nothing can be verified against it");
    }
}
