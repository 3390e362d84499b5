namespace VoteChain.Simulation;

/// <summary>The kinds of trouble a simulated run may inject.</summary>
[Flags]
public enum Faults
{
    None = 0,
    Drop = 1,
    Delay = 2,
    Duplicate = 4,
    Reorder = 8,
    Partition = 16,
    Crash = 32,
    Byzantine = 64,
    All = Drop | Delay | Duplicate | Reorder | Partition | Crash | Byzantine,
}
