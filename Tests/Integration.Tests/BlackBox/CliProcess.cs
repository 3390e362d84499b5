using System.Diagnostics;
using System.Text;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>Runs the built votechain executable as a user would: a separate process, its output captured.</summary>
internal static class CliProcess
{
    /// <summary>The votechain.dll next to the test assembly (the Node project is referenced, so it is copied here).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "votechain.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Runs to completion and asserts it succeeded; returns its output.</summary>
    public static async Task<string> OkAsync(TimeSpan timeout, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(timeout, args);
        Assert.That(exitCode, Is.Zero, () => $"votechain {string.Join(' ', args)}: {error}{output}");
        return output;
    }

    /// <summary>Runs to completion and asserts it failed as bad input does (exit 1); returns its error output.</summary>
    public static async Task<string> FailsAsync(TimeSpan timeout, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(timeout, args);
        Assert.That(exitCode, Is.EqualTo(1), () => $"votechain {string.Join(' ', args)} should fail: {error}{output}");
        return error;
    }

    /// <summary>Runs to completion (bounded by <paramref name="timeout"/>) and returns exit code and output.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(timeout, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunAsync(TimeSpan, string[])"/>, with extra environment variables for the process.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> environment,
        params string[] args)
    {
        var info = StartInfo(args);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new AssertionException($"votechain {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s");
        }

        return (process.ExitCode, await output, await error);
    }
}

/// <summary>A long-running votechain process (a devnet, an issuer service), read line by line, stopped with SIGTERM.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <param name="environment">Variables set for the process (and the nodes a devnet starts), e.g. VOTECHAIN_ settings.</param>
    public ServiceProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = CliProcess.StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>`votechain devnet` on <paramref name="dir"/> with nodes from <paramref name="basePort"/> on.</summary>
    public static ServiceProcess Devnet(string dir, int basePort, int validators = 4, int observers = 1, bool restart = false, bool tls = false,
        bool demo = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        string[] args = ["devnet", "--dir", dir, "--base-port", Invariant(basePort), "--validators", Invariant(validators), "--observers", Invariant(observers)];
        return new ServiceProcess([.. args, .. restart ? ["--restart"] : Array.Empty<string>(), .. tls ? ["--tls"] : Array.Empty<string>(),
            .. demo ? ["--demo"] : Array.Empty<string>()], environment);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the devnet's "running; ..." line; fails with its output if it exits first.</summary>
    public async Task WaitUntilRunningAsync(TimeSpan timeout, string what = "the devnet to start")
    {
        await Eventually.HoldsAsync(() => Task.FromResult(Output.Contains("running;", StringComparison.Ordinal) || HasExited), timeout, () => what);
        Assert.That(HasExited, Is.False, Output);
    }

    /// <summary>Sends SIGTERM and waits for the exit code; kills it if it does not stop in time.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(grace);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
