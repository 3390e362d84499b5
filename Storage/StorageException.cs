namespace VoteChain.Storage;

/// <summary>
/// The data folder cannot be used: held by another process, holding another chain, or unreadable. The message is
/// one line meant for an operator (it names the folder and what to do); the RocksDB error stays in
/// <see cref="Exception.InnerException"/> for the logs.
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
