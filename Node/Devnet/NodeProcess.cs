using System.Diagnostics;

namespace VoteChain.Node.Devnet;

/// <summary>
/// One devnet node running as its own `votechain start` process, its output in the home's node.log. Stopping
/// sends SIGTERM (the node closes cleanly) and kills it only if it does not exit in time.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private NodeProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        StartedAt = DateTime.UtcNow;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public DateTime StartedAt { get; }

    /// <summary>How the process ended, in words: "exit code 3", or "exit code 137, killed by SIGKILL".</summary>
    public string ExitDescription
    {
        get
        {
            // .NET reports a child ended by signal N as exit code 128+N, as shells do.
            var code = _process.ExitCode;
            var signal = code - 128;
            var name = signal switch { 2 => "SIGINT", 6 => "SIGABRT", 9 => "SIGKILL", 11 => "SIGSEGV", 15 => "SIGTERM", _ => null };
            return OperatingSystem.IsWindows() || name is null ? $"exit code {code}" : $"exit code {code}, killed by {name}";
        }
    }

    public static NodeProcess Start(string home)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Run the same votechain that runs this command: the apphost directly, or `dotnet votechain.dll`.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this executable is unknown.");
        info.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(NodeProcess).Assembly.Location);
        }

        foreach (var argument in new[] { "start", "--home", home })
        {
            info.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(Path.Combine(home, "node.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new NodeProcess(process, log);
    }

    /// <summary>Asks the node to stop (SIGTERM) and waits; kills it after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            _ = PosixSignals.Send(_process.Id, PosixSignals.Terminate);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to exit and its last output to reach node.log.</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync(CancellationToken.None);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
