using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// The vote page's library (Node/Web/ui/src/lib) in a real Node.js process: test/bundle-tool.mjs bundles
/// test/tool.mjs from the current sources, then one process answers a fixture's requests, one JSON line each way.
/// Node.js is required by the build (it builds the pages), so it is there wherever these tests run.
/// </summary>
internal sealed class WebLibTool : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private WebLibTool(Process process) => _process = process;

    public static WebLibTool Start()
    {
        var ui = UiFolder();
        Run(ui, Path.Combine("test", "bundle-tool.mjs"));
        var info = NodeInfo(ui, Path.Combine("dist-test", "tool.mjs"));
        // As the page's content policy does (script-src 'self', no 'unsafe-eval'): any eval or Function() throws.
        info.ArgumentList.Insert(0, "--disallow-code-generation-from-strings");
        info.RedirectStandardInput = true;
        var process = Process.Start(info)!;
        process.StandardInput.AutoFlush = true;
        return new WebLibTool(process);
    }

    /// <summary>The operation's result; fails the test if the library refused the request.</summary>
    public JsonNode Result(object request)
    {
        var answer = Ask(request);
        Assert.That(answer["error"], Is.Null, () => $"the page library refused {JsonSerializer.Serialize(request)}: {answer["error"]}");
        return answer["result"]!;
    }

    /// <summary>The library's refusal (its sentence); fails the test if the library accepted the request.</summary>
    public string Error(object request)
    {
        var answer = Ask(request);
        Assert.That(answer["error"], Is.Not.Null, () => $"the page library accepted {JsonSerializer.Serialize(request)}: {answer["result"]?.ToJsonString()}");
        return answer["error"]!.GetValue<string>();
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private JsonNode Ask(object request)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        using var deadline = new CancellationTokenSource(Timeout);
        var line = _process.StandardOutput.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult()
            ?? throw new AssertionException($"the page library's process ended: {_process.StandardError.ReadToEnd()}");
        return JsonNode.Parse(line)!;
    }

    private static void Run(string ui, string script)
    {
        var info = NodeInfo(ui, script);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new AssertionException($"node {script} did not finish within {Timeout.TotalSeconds:F0} s");
        }

        Assert.That(process.ExitCode, Is.Zero, () => $"node {script} failed: {error.Result}");
    }

    private static ProcessStartInfo NodeInfo(string ui, string script) =>
        new("node")
        {
            ArgumentList = { script },
            WorkingDirectory = ui,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

    /// <summary>Node/Web/ui of the checkout the tests were built from, with the packages `dotnet build` installed.</summary>
    private static string UiFolder()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "Node", "Web", "ui");
            if (File.Exists(Path.Combine(candidate, "package.json")) && Directory.Exists(Path.Combine(candidate, "node_modules")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("No Node/Web/ui with node_modules above the test folder (build the solution first).");
    }
}
