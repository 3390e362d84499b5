namespace VoteChain.Networking.StateSync;

/// <summary>State sync could not go on; the message says why in one line, for the operator.</summary>
public sealed class StateSyncException : Exception
{
    public StateSyncException()
    {
    }

    public StateSyncException(string message)
        : base(message)
    {
    }

    public StateSyncException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
