namespace VoteChain.Simulation;

/// <summary>
/// The kinds of trouble a simulated run may inject. <see cref="Byzantine"/> covers the first Byzantine catalogue
/// (silence, equivocation, conflicting phase votes, bad signatures, replays, invalid blocks); the byz-* flags
/// (spelled <c>byz-body-swap</c>, <c>byz-view-steer</c>, <c>byz-lying-sync</c>, <c>byz-time-skew</c> on the command
/// line) add one attack each; <see cref="Reconfigure"/> changes the validator set during the run (docs/GOVERNANCE.md).
/// </summary>
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
    ByzBodySwap = 128,
    ByzViewSteer = 256,
    ByzLyingSync = 512,
    ByzTimeSkew = 1024,
    ByzAttacks = ByzBodySwap | ByzViewSteer | ByzLyingSync | ByzTimeSkew,

    /// <summary>Membership changes while the other faults run: two validators added, one key rotated, one removed.</summary>
    Reconfigure = 2048,
    All = Drop | Delay | Duplicate | Reorder | Partition | Crash | Byzantine | ByzAttacks | Reconfigure,
}
