using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Signing;

/// <summary>
/// Moves the sign-state that nodes before the sign-state file kept in the chain database into the file, once, so an
/// existing home keeps its double-sign protection; afterwards the column is never read again.
/// </summary>
public static class LegacySignState
{
    /// <summary>
    /// When the database still holds a sign-state: writes it to <paramref name="file"/> if the file does not exist
    /// yet (a file that exists was written after the move and is newer), then removes it from the database. The
    /// file is on disk before the database forgets, so a crash in between only repeats the move.
    /// </summary>
    /// <returns>True when a state was moved into the file.</returns>
    /// <exception cref="StorageException">The old state does not parse, or the file cannot be written.</exception>
    public static bool MoveToFile(ChainStore store, SignStateFile file, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(file);
        if (store.ReadLegacySignState() is not { } bytes)
        {
            return false;
        }

        var moved = false;
        if (file.Read(maxBytes).Status == SignStateFileStatus.Missing)
        {
            SignState state;
            try
            {
                state = SignState.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw StorageErrors.Corrupt(store.Folder, $"its old sign-state does not parse ({e.Message})", e);
            }

            file.Write(state);
            moved = true;
        }

        store.DeleteLegacySignState();
        return moved;
    }
}
