using System.Runtime.InteropServices;

namespace VoteChain.Node.Hosting;

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

    /// <summary>
    /// Gives the free pages inside malloc's arenas back to the system. glibc returns memory only from the top of each
    /// heap on its own; RocksDB frees memtables and blocks from many threads, so free pages in the middle of the arenas
    /// stayed resident and the node's RSS crept up while the memory in use did not (docs/FAULTS.md, the soak). False
    /// where malloc is not glibc's.
    /// </summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

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
