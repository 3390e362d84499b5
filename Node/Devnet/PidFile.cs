using System.Diagnostics;
using System.Globalization;

namespace VoteChain.Node.Devnet;

/// <summary>
/// A file holding one process id. A process killed with SIGKILL leaves its pid file behind, and the system may have
/// given that pid to another program since, so a pid is believed only while that process still runs with an
/// expected argument on its command line.
/// </summary>
internal static class PidFile
{
    public static void Write(string path, int pid) => File.WriteAllText(path, pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Deletes the file when it still holds <paramref name="pid"/> (another process may have taken it over).</summary>
    public static void Delete(string path, int pid)
    {
        if (Read(path) == pid)
        {
            File.Delete(path);
        }
    }

    /// <summary>The pid in the file when that process runs with <paramref name="argument"/> among its arguments; else null.</summary>
    public static int? ReadLive(string path, string argument)
    {
        if (Read(path) is not { } pid)
        {
            return null;
        }

        var cmdline = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                return File.ReadAllText(cmdline).Split('\0').Contains(argument) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        // Elsewhere only whether the process runs is known.
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int? Read(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
