namespace VoteChain.Node.Soak;

/// <summary>One node at one moment of a soak: memory, handles, threads, the size of its data folder and its height.</summary>
internal sealed record SoakSample(double Minutes, string Node, long RssBytes, int Handles, int Threads, long DataBytes, ulong? Height,
    int VotesAcknowledged);
