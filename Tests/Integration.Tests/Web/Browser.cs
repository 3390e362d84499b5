using Microsoft.Playwright;

namespace VoteChain.Integration.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright, for the pages' tests. The browser is the system's (scripts/test.sh installs
/// the `chromium` package where it is missing), never one Playwright downloads: the tests need no network beyond
/// 127.0.0.1. VOTECHAIN_CHROMIUM names another executable. Each test gets a fresh context (no shared storage, cache or
/// cookies) in one Chromium process the page tests share: starting Playwright's driver and Chromium for every test took
/// about two seconds each time. <see cref="PagesDevnetTeardown"/> closes it after the last page test.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _chromium;

    // A browser of the test's own (LaunchAsync's ownBrowser), closed with it; null in the shared one.
    private readonly IPlaywright? _ownPlaywright;
    private readonly IBrowser? _ownChromium;

    private Browser(IBrowserContext context, IPlaywright? ownPlaywright, IBrowser? ownChromium)
    {
        Context = context;
        _ownPlaywright = ownPlaywright;
        _ownChromium = ownChromium;
    }

    public IBrowserContext Context { get; }

    /// <summary>
    /// Console errors (content policy refusals, failed loads other than 404) and uncaught exceptions of every page this
    /// browser opened: a page test expects none.
    /// </summary>
    public List<string> Errors { get; } = [];

    public const string Missing = "Chromium is not installed (scripts/test.sh installs Debian's chromium package with apt-get).";

    public static string? Executable =>
        Environment.GetEnvironmentVariable("VOTECHAIN_CHROMIUM") is { Length: > 0 } named ? named : Candidates.FirstOrDefault(File.Exists);

    /// <summary>Launches headless Chromium; a missing browser skips the test with the reason (the test script installs it).</summary>
    /// <param name="bypassCsp">Lets a test inject its own script (axe-core) past the pages' content security policy.</param>
    /// <param name="ownBrowser">
    /// A Chromium of the test's own, as a visitor's browser is on a first visit: a page loaded in a further context of
    /// the shared one records no paint timing (the first load's figures need a fresh browser).
    /// </param>
    public static async Task<Browser> LaunchAsync(int width = 1280, int height = 900, bool bypassCsp = false, bool ownBrowser = false)
    {
        var executable = Executable;
        if (executable is null)
        {
            Assert.Ignore(Missing);
        }

        var ownPlaywright = ownBrowser ? await Playwright.CreateAsync() : null;
        var ownChromium = ownPlaywright is null ? null : await LaunchChromiumAsync(ownPlaywright, executable!);
        var chromium = ownChromium ?? await SharedChromiumAsync(executable!);
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BypassCSP = bypassCsp,
        });
        context.SetDefaultTimeout(30_000);
        // Expectations poll the page until this deadline. Playwright's own default (5 s) is shorter than a first tally
        // takes to arrive when the suite's other assemblies load the two cores (a CI run failed there, alone it passed).
        Assertions.SetDefaultExpectTimeout(30_000);
        var result = new Browser(context, ownPlaywright, ownChromium);
        context.Page += (_, page) =>
        {
            page.Console += (_, message) =>
            {
                // A 404 answer is how the API says "not yet" (a receipt polled before its block commits, a block
                // that does not exist); Chromium logs each one. Anything else logged as an error counts.
                if (message.Type == "error" && !message.Text.Contains("status of 404", StringComparison.Ordinal))
                {
                    lock (result.Errors)
                    {
                        result.Errors.Add($"console: {message.Text}");
                    }
                }
            };
            page.PageError += (_, error) =>
            {
                lock (result.Errors)
                {
                    result.Errors.Add($"page error: {error}");
                }
            };
        };
        return result;
    }

    public Task<IPage> NewPageAsync() => Context.NewPageAsync();

    /// <summary>
    /// Waits until the page has its first answer from the node's API. The pages keep a stream open, so "network idle"
    /// never comes; this is the moment they first draw what they read.
    /// </summary>
    public static Task FirstAnswerAsync(IPage page) =>
        page.WaitForFunctionAsync("() => performance.getEntriesByType('resource').some(e => e.initiatorType === 'fetch')");

    /// <summary>
    /// Where the tests save their screenshots: with VOTECHAIN_SCREENSHOTS=docs, the repository's docs/screenshots (how
    /// the pictures in docs/WEB.md are made); otherwise the test run's own folder, so a test run leaves the checkout as it was.
    /// </summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("VOTECHAIN_SCREENSHOTS") == "docs"
            ? Path.Combine(RepositoryRoot, "docs", "screenshots")
            : Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    /// <summary>The checkout the tests were built from (the folder holding VoteChain.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VoteChain.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("The tests do not run from a VoteChain checkout.");
        }
    }

    /// <summary>Closes this test's context: its pages, storage and cache go with it; the shared Chromium stays.</summary>
    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        if (_ownChromium is not null)
        {
            await _ownChromium.DisposeAsync();
        }

        _ownPlaywright?.Dispose();
    }

    /// <summary>Closes the shared Chromium and Playwright's driver (after the last page test).</summary>
    public static async Task StopSharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_chromium is not null)
            {
                await _chromium.DisposeAsync();
                _chromium = null;
            }

            _playwright?.Dispose();
            _playwright = null;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    /// <summary>The shared Chromium, launched by the first test that asks (and again should it have gone away).</summary>
    private static async Task<IBrowser> SharedChromiumAsync(string executable)
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_chromium is { IsConnected: true } running)
            {
                return running;
            }

            _playwright ??= await Playwright.CreateAsync();
            _chromium = await LaunchChromiumAsync(_playwright, executable);
            return _chromium;
        }
        finally
        {
            SharedGate.Release();
        }
    }

    private static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright, string executable) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in a container has no user namespaces for Chromium's sandbox; the pages under test are our own.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
}
