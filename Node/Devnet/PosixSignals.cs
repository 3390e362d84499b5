using System.Runtime.InteropServices;

namespace VoteChain.Node.Devnet;

/// <summary>
/// The few POSIX signals the devnet and its chaos runs send to node processes: a clean stop (SIGTERM), a crash
/// (SIGKILL) and a freeze (SIGSTOP, then SIGCONT). .NET's Process offers only the kill.
/// </summary>
internal static partial class PosixSignals
{
    public const int Kill = 9;
    public const int Terminate = 15;
    public const int Continue = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
