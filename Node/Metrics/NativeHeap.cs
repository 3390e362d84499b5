using System.Runtime.InteropServices;

namespace VoteChain.Node.Metrics;

/// <summary>
/// glibc malloc's own account of the native heap (RocksDB, gRPC's native parts and libsodium allocate there; .NET's
/// managed heap does not): bytes handed out and bytes held free inside the arenas. The two apart tell real growth from
/// fragmentation when the resident size rises and the managed heap does not. Null where malloc is not glibc's.
/// </summary>
internal static partial class NativeHeap
{
    public static (long InUse, long Free)? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var info = mallinfo2();
            return ((long)(info.uordblks + info.hblkhd), (long)info.fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl and glibc before 2.33 have no mallinfo2.
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena;
        public nuint ordblks;
        public nuint smblks;
        public nuint hblks;
        public nuint hblkhd;
        public nuint usmblks;
        public nuint fsmblks;
        public nuint uordblks;
        public nuint fordblks;
        public nuint keepcost;
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 mallinfo2();
}
