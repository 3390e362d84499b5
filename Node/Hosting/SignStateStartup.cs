using VoteChain.Consensus.Chain;
using VoteChain.Node.Driver;
using VoteChain.Node.Cli;
using VoteChain.Protos.V1;
using VoteChain.Storage;
using VoteChain.Storage.Signing;

namespace VoteChain.Node.Hosting;

/// <summary>A validator's sign-state as the node starts: the file the driver writes to and the state to resume from.</summary>
internal sealed record SignStateSetup(SignStateFile File, SignState? Restored);

/// <summary>
/// Decides, before a validator signs anything, what it is known to have signed: the sign-state file in its home
/// (moved there from an old database once), or nothing for a fresh node. A validator whose chain data exists but
/// whose file is gone may have signed at the height in progress; it does not start unless the operator says so.
/// </summary>
internal static class SignStateStartup
{
    public const string OverrideFlag = "--allow-missing-sign-state";

    /// <returns>The setup for a validator; null for an observer, which never signs.</returns>
    /// <exception cref="UserInputException">The file is missing or of another chain while chain data exists, or it is damaged.</exception>
    /// <param name="servedBefore">Whether the node's key is, or was, in a validator set this node's chain data knows of.
    /// A key that never was (a node waiting for governance to add it) has signed nothing that counts, so a missing file
    /// is simply begun.</param>
    public static SignStateSetup? Open(NodeOptions options, ChainStore store, ChainContext chain, bool validator, bool servedBefore = true)
    {
        var file = new SignStateFile(options.SignStateFile, chain.GenesisHash);
        var maxBytes = MaxFileBytes(chain);
        try
        {
            // Whatever the role: a validator home started once as an observer must not lose its old record.
            LegacySignState.MoveToFile(store, file, maxBytes);
            if (!validator)
            {
                return null;
            }

            var read = file.Read(maxBytes);
            if (read.Status == SignStateFileStatus.Present)
            {
                return new SignStateSetup(file, read.State);
            }

            if (MissingProblem(options, file.Path, read.Status, store.Height, servedBefore) is { } problem)
            {
                throw new UserInputException(problem);
            }

            // A fresh validator (or one the operator vouched for) has signed nothing this node could know of.
            file.Write(null);
            return new SignStateSetup(file, null);
        }
        catch (StorageException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }

    /// <summary>
    /// Before state sync fills an empty data folder (docs/STATE-SYNC.md): a node that may sign and has no sign-state begins
    /// one now, as a fresh validator does on an empty folder, so that the restored chain is not taken for a validator's data
    /// whose record is lost. Written first: a restore that fails leaves the folder empty, which a begun file fits too.
    /// </summary>
    public static void BeginBeforeStateSync(NodeOptions options, ChainContext chain)
    {
        if (options.Observer)
        {
            return;
        }

        var file = new SignStateFile(options.SignStateFile, chain.GenesisHash);
        try
        {
            if (file.Read(MaxFileBytes(chain)).Status == SignStateFileStatus.Missing)
            {
                file.Write(null);
            }
        }
        catch (StorageException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }

    /// <summary>
    /// Why a validator may not start on the file as read (gone, or of another chain, while chain data exists and the key
    /// has served); null when it may. Also `votechain config check`'s verdict, before the node is started.
    /// </summary>
    internal static string? MissingProblem(NodeOptions options, string path, SignStateFileStatus status, ulong height, bool servedBefore) =>
        status != SignStateFileStatus.Present && height > 0 && servedBefore && !options.AllowMissingSignState
            ? MissingMessage(path, status, height)
            : null;

    /// <summary>The largest file accepted: a state carries at most one prepared block and its quorum of Prepares.</summary>
    internal static long MaxFileBytes(ChainContext chain) => (2L * BlockLimits.From(chain.Params).MaxBytes) + (1 << 20);

    private static string MissingMessage(string path, SignStateFileStatus status, ulong height)
    {
        var what = status == SignStateFileStatus.Missing ? "is missing" : "belongs to another chain";
        return $"sign-state file {path} {what} but the chain data holds {height} blocks: this validator may have signed "
            + $"above height {height} and no longer know it; restore the file from this home's backup, or start once with "
            + $"{OverrideFlag} if this key has signed nothing since block {height} (see config/README.md)";
    }
}
