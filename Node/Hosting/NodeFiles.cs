using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Secret;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;

namespace VoteChain.Node.Hosting;

/// <summary>
/// The files of a home a node reads before it opens its data: the genesis, its keys and its trustee key. Each is loaded
/// here and nowhere else, by <see cref="NodeRuntime"/> to start and by <see cref="NodeHomeCheck"/> to check a home.
/// </summary>
internal static class NodeFiles
{
    /// <summary>The genesis, refused with all its problems in one line when it cannot start a chain.</summary>
    public static Protos.V1.Genesis LoadGenesis(NodeOptions options)
    {
        var genesis = GenesisFile.Load(options.GenesisFile);
        var problems = GenesisProblems(options, genesis);
        return problems.Count == 0 ? genesis : throw new UserInputException(string.Join("; ", problems));
    }

    /// <summary>Every reason the genesis cannot start a chain, one sentence each, naming the file.</summary>
    public static IReadOnlyList<string> GenesisProblems(NodeOptions options, Protos.V1.Genesis genesis) =>
        [.. GenesisValidator.Validate(genesis).Select(problem => $"genesis {options.GenesisFile} is not usable: {problem}")];

    /// <summary>
    /// Loads the node key and, when present, the key it rotates to. Whether the node signs, and with which, the engine
    /// decides at each height from the set in force there (an observer never signs).
    /// </summary>
    public static NodeIdentity LoadKeys(NodeOptions options)
    {
        var key = LoadNodeKey(options);
        try
        {
            return new NodeIdentity(key, LoadNextKey(options));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static Ed25519KeyPair LoadNodeKey(NodeOptions options) => File.Exists(options.KeyFile)
        ? KeyFile.Load(options.KeyFile)
        : throw new UserInputException($"key file {options.KeyFile} is missing; a node needs its key (run `votechain init`)");

    /// <summary>The key this validator rotates to (docs/GOVERNANCE.md); null when its file is absent, as it mostly is.</summary>
    public static Ed25519KeyPair? LoadNextKey(NodeOptions options) =>
        File.Exists(options.NextKeyFile) ? KeyFile.Load(options.NextKeyFile) : null;

    /// <summary>
    /// The trustee key when the node is to act as a trustee (<see cref="TrusteeSettings.IsOn"/>). Observers act too: a
    /// trustee named in an election may run a node that does not validate.
    /// </summary>
    public static TrusteeKey? LoadTrusteeKey(NodeOptions options)
    {
        if (!options.Trustee.IsOn)
        {
            return null;
        }

        if (!File.Exists(options.Trustee.KeyFile))
        {
            throw new UserInputException($"trustee.enabled is true but the trustee key file {options.Trustee.KeyFile} does not exist; "
                + "create it with `votechain keys trustee --home DIR`, or set trustee.enabled to false");
        }

        return TrusteeKeyFile.Load(options.Trustee.KeyFile);
    }
}
