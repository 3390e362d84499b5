using System.Diagnostics;
using VoteChain.Tests.Ballots;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Review attack on the scanner's time bound, run as `votechain ballots scan` processes so that a stall can be killed.
/// A PNG of 10–100 KB, well inside both the file bound and the pixel bound, tiled with QR finder patterns and no QR code.
/// ZXing (TryHarder) collects every finder candidate: before the scanner bounded the search, measured with
/// `/usr/bin/time votechain ballots scan --image tiles.png --node http://127.0.0.1:1`, 2,000 × 2,000 px with 1-px
/// modules every 9 px ran over 60 s (killed) and 7,745 px with 4-px modules every 36 px took 421.8 s. Bounding pixels
/// does not bound time (the first is a 4-megapixel picture), so the search has its own deadline (6 s) and the scan
/// says "no QR code" within the test's 15 s.
/// </summary>
public sealed class PaperBallotCraftedImageTests
{
    [TestCase(2_000, 1, 9)]
    [TestCase(7_745, 4, 36)]
    public async Task A_small_png_tiled_with_finder_patterns_does_not_stall_the_scanner(int side, int module, int pitch)
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-paper-tiles-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var path = Path.Combine(root, "finders.png");
            BallotPen.WriteFinderTiles(path, side, module, pitch);
            Assert.That(new FileInfo(path).Length, Is.LessThan(200_000), "a small file");

            var clock = Stopwatch.StartNew();
            // RunAsync kills the process when the deadline passes and fails the test with "did not finish within 15 s".
            var (exitCode, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(15), "ballots", "scan", "--image", path, "--node", "http://127.0.0.1:1");
            TestContext.Out.WriteLine($"exit {exitCode} after {clock.Elapsed.TotalSeconds:F1} s: {error}");
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error, Does.Contain("no QR code"), "no QR code found, or none within the scanner's deadline");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// A named pipe among the pictures (a shared scan folder, a glob like scans/*.jpg): opening it would block
    /// forever waiting for a writer, stalling the whole batch (/dev/zero is bounded by the 50 MB read limit; a pipe is
    /// not). The loader refuses anything that reports no size before opening it.
    /// </summary>
    [Test]
    public async Task A_named_pipe_given_as_a_picture_is_refused_not_waited_on()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-paper-fifo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var fifo = Path.Combine(root, "scan-0001.jpg");
            using (var mkfifo = Process.Start("mkfifo", [fifo]))
            {
                await mkfifo.WaitForExitAsync();
                Assert.That(mkfifo.ExitCode, Is.Zero);
            }

            var (exitCode, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(10), "ballots", "scan", "--image", fifo, "--node", "http://127.0.0.1:1");
            Assert.That(exitCode, Is.EqualTo(1), error);
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
