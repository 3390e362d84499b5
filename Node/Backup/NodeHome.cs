using VoteChain.Node.Genesis;
using VoteChain.Node.Hosting;

namespace VoteChain.Node.Backup;

/// <summary>A node home as backup and restore see it: its settings (as `start` reads them) and the chain its genesis names.</summary>
internal sealed record NodeHome(NodeOptions Options, string ChainId, byte[] GenesisHash)
{
    /// <exception cref="UserInputException">No home there, a config that does not load, or no readable genesis file.</exception>
    public static NodeHome Load(string home)
    {
        var options = LoadOptions(home);
        var genesis = GenesisFile.Load(options.GenesisFile);
        return new NodeHome(options, genesis.ChainId, Consensus.Genesis.GenesisHash.Of(genesis));
    }

    /// <summary>The home's settings with no flags: the paths `start` would use, environment variables included.</summary>
    public static NodeOptions LoadOptions(string home)
    {
        if (!Directory.Exists(home))
        {
            throw new UserInputException($"home {home} does not exist; create it with `votechain init --home {home}`");
        }

        return NodeOptionsLoader.Load(home, new Dictionary<string, string?>(), []);
    }
}
