namespace VoteChain.Node.Soak;

/// <summary>
/// One node at one moment of a soak: memory, handles (of which <see cref="DataHandles"/> are files in its data folder),
/// threads, the size of its data folder and its height, and the node's own account of its memory where it answered.
/// </summary>
internal sealed record SoakSample(double Minutes, string Node, long RssBytes, int Handles, int Threads, long DataBytes, ulong? Height,
    int VotesAcknowledged, int DataHandles = 0, MemoryReadings? Memory = null)
{
    /// <summary>Handles the data does not explain: sockets, pipes, every file outside the data folder.</summary>
    public int OtherHandles => Handles - DataHandles;
}
