using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using QRCoder;
using SkiaSharp;
using VoteChain.Tests.Ballots;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// Paper ballots end to end, every step a `votechain` process against a real devnet: print ballots, rasterize the real
/// PDF (pdftoppm), mark a box with a pen, scan it crooked as a JPEG, see it counted; scan it again and see it refused;
/// ballots of another election or chain refused; an unclear ballot asks for --option and then counts.
/// </summary>
public sealed class PaperBallotWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Ballots_are_printed_marked_scanned_counted_once_and_foreign_ones_refused()
    {
        var pdftoppm = Pdftoppm();
        var root = Path.Combine(Path.GetTempPath(), "votechain-paper-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(1);
        var node = $"http://127.0.0.1:{basePort}";
        await using (var devnet = ServiceProcess.Devnet(Path.Combine(root, "devnet"), basePort, validators: 1, observers: 0))
        {
            await devnet.WaitUntilRunningAsync(Step);
            var authority = Path.Combine(root, "devnet", "authority.json");
            foreach (var id in new[] { "paper", "other" })
            {
                await Ok("election", "create", "--node", node, "--key", authority, "--id", id, "--title", "Harbour board 2026 – chair",
                    "--option", "yes", "--option", "no", "--option", "abstain", "--closes-at", "+1h", "--wait");
            }

            var ballots = Path.Combine(root, "ballots");
            var printed = JsonDocument.Parse(await Ok("ballots", "print", "--node", node, "--key", authority, "--election", "paper",
                "--count", "4", "--out", ballots, "--json")).RootElement;
            Assert.That(printed.GetProperty("ballots").GetInt32(), Is.EqualTo(4));
            AssertOnlyCodesAndKeysBesideThePdf(ballots, 4);
            var again = await Fails("ballots", "print", "--node", node, "--key", authority, "--election", "paper",
                "--count", "1", "--out", ballots);
            Assert.That(again, Does.Contain("already exists"));

            // Pages as a scanner would take them: at 150 dpi, the third at 200 dpi.
            var pages = await Rasterize(pdftoppm, Path.Combine(ballots, "ballots.pdf"), root, [150, 150, 200, 150]);

            // Ballot 1: a cross for "no", turned 4° and sheared on the scanner, JPEG.
            var first = Scanned(pages[0], root, "first.jpg", degrees: 4, shear: 0.03f, page => BallotPen.Cross(page, 150, 1));
            var counted = await Ok("ballots", "scan", "--node", node, "--image", first);
            Assert.That(counted.Trim(), Does.Match(@"^ballot [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}: counted for 'no' at height \d+$"));
            var code = counted.Split(':')[0]["ballot ".Length..];

            // The same paper again: the single-spend rule refuses it, and the scanner says so plainly.
            var rescan = await Fails("ballots", "scan", "--node", node, "--image", first);
            Assert.That(rescan.Trim(), Does.Match($@"^error: ballot {code} was already counted \(height \d+\): a paper ballot counts once$"));

            // Ballot 2: two boxes marked. The scanner asks a human, who reads the paper and gives --option.
            var doubled = Scanned(pages[1], root, "doubled.jpg", degrees: -3, shear: 0.01f, page =>
            {
                BallotPen.Cross(page, 150, 0);
                BallotPen.Cross(page, 150, 2);
            });
            var asks = await Fails("ballots", "scan", "--node", node, "--image", doubled);
            Assert.That(asks, Does.Contain("more than one box is marked: look at the paper and scan it again with --option NAME"));
            Assert.That(await Ok("ballots", "scan", "--node", node, "--image", doubled, "--option", "abstain"), Does.Contain("counted for 'abstain'"));

            // Ballot 3: clearly "yes" and upside down (182°), but the operator says "no": refused; then scanned as marked.
            var clear = Scanned(pages[2], root, "clear.jpg", degrees: 182, shear: 0.02f, page => BallotPen.Cross(page, 200, 0));
            var disagrees = await Fails("ballots", "scan", "--node", node, "--image", clear, "--option", "no");
            Assert.That(disagrees, Does.Contain("the paper is marked for 'yes' but --option says 'no'"));
            Assert.That(await Ok("ballots", "scan", "--node", node, "--image", clear), Does.Contain("counted for 'yes'"));

            // A ballot of the other election, at a station that takes only "paper"; and one of an election the chain does not hold.
            var otherBallots = Path.Combine(root, "other");
            await Ok("ballots", "print", "--node", node, "--key", authority, "--election", "other", "--count", "1", "--out", otherBallots);
            var otherPage = (await Rasterize(pdftoppm, Path.Combine(otherBallots, "ballots.pdf"), root, [150]))[0];
            var foreign = Scanned(otherPage, root, "foreign.jpg", degrees: 1, shear: 0f, page => BallotPen.Cross(page, 150, 0));
            var wrongElection = await Fails("ballots", "scan", "--node", node, "--image", foreign, "--election", "paper");
            Assert.That(wrongElection, Does.Contain("it is a ballot of election 'other', not of 'paper'; not counted"));
            var unknown = QrPicture(root, "unknown.png", Payload("devnet", "no-such-election"));
            Assert.That(await Fails("ballots", "scan", "--node", node, "--image", unknown),
                Does.Contain("election 'no-such-election', which this chain does not hold"));

            // A ballot printed for another chain.
            var otherChain = QrPicture(root, "other-chain.png", Payload("otherchain", "paper"));
            Assert.That(await Fails("ballots", "scan", "--node", node, "--image", otherChain),
                Does.Contain("it belongs to chain 'otherchain', not to this node's chain 'devnet'"));

            // Several pictures in one run: one line each, and a summary because one was not counted.
            var fourth = Scanned(pages[3], root, "fourth.jpg", degrees: -1, shear: 0f, page => BallotPen.Cross(page, 150, 0));
            var batch = await CliProcess.RunAsync(Step, "ballots", "scan", "--node", node, "--image", fourth, first);
            Assert.That(batch.ExitCode, Is.EqualTo(1), batch.Error);
            Assert.That(batch.Output, Does.Contain("counted for 'yes'").And.Contain("was already counted"));
            Assert.That(batch.Error.Trim(), Is.EqualTo("error: 1 of 2 ballots were not counted (see the lines above)"));

            var tally = JsonDocument.Parse(await Ok("tally", "--node", node, "--election", "paper", "--json")).RootElement;
            Assert.That(tally.GetProperty("counted_ballots").GetInt64(), Is.EqualTo(4), tally.ToString());
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    [Test]
    public async Task Pictures_that_are_not_ballots_get_one_line_and_exit_1()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-paper-bad-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var noNode = "http://127.0.0.1:1";
        var notAnImage = Path.Combine(root, "notes.txt");
        await File.WriteAllTextAsync(notAnImage, "this is not a picture");
        var oversized = Path.Combine(root, "huge.jpg");
        using (var file = File.Create(oversized))
        {
            file.SetLength(51L * 1024 * 1024);
        }

        var cases = new (string File, string Says)[]
        {
            (notAnImage, "is not an image this scanner reads"),
            (oversized, "is larger than 50 MB"),
            (QrPicture(root, "url.png", "https://example.org/not-a-ballot"), "the QR code is not a valid paper ballot"),
            (QrPicture(root, "truncated.png", Payload("devnet", "paper")[..40]), "the QR code is not a valid paper ballot"),
            (Path.Combine(root, "missing.jpg"), "does not exist"),
        };
        foreach (var (file, says) in cases)
        {
            var (exitCode, output, error) = await CliProcess.RunAsync(Step, "ballots", "scan", "--node", noNode, "--image", file);
            Assert.That(exitCode, Is.EqualTo(1), $"{file}: {error}");
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.StartWith($"error: {file}").And.Contain(says).And.EndWith("not counted\n"));
            Assert.That(output, Is.Empty, "one picture's refusal is only the error line");
        }

        Directory.Delete(root, recursive: true);
    }

    // Each step is printed with what it said: the walk as a polling station sees it (issue 13's closing note quotes it).
    private static async Task<string> Ok(params string[] args)
    {
        var output = await CliProcess.OkAsync(Step, args);
        await TestContext.Out.WriteLineAsync($"$ votechain {string.Join(' ', args)}\n{output.TrimEnd()}");
        return output;
    }

    private static async Task<string> Fails(params string[] args)
    {
        var error = await CliProcess.FailsAsync(Step, args);
        await TestContext.Out.WriteLineAsync($"$ votechain {string.Join(' ', args)}   (exit 1)\n{error.TrimEnd()}");
        return error;
    }

    /// <summary>pdftoppm from poppler-utils (scripts/test.sh installs it); without it the print → scan walk cannot run.</summary>
    private static string Pdftoppm()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pdftoppm")).FirstOrDefault(File.Exists);
        if (path is null)
        {
            Assert.Ignore("pdftoppm is not installed (Debian package poppler-utils; scripts/test.sh installs it with apt-get): the printed PDF could not be rasterized");
        }

        return path!;
    }

    private static void AssertOnlyCodesAndKeysBesideThePdf(string folder, int ballots)
    {
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "ballots.pdf", "ballots.csv" }));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(folder, "ballots.pdf")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        var lines = File.ReadAllLines(Path.Combine(folder, "ballots.csv"));
        Assert.That(lines, Has.Length.EqualTo(ballots + 1));
        Assert.That(lines[0], Is.EqualTo("ballot_code,public_key_hex,weight"));
        Assert.That(lines.Skip(1).Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[0-9A-Z-]{14},[0-9a-f]{64},1$")), Is.EqualTo(ballots));
    }

    /// <summary>Page i + 1 of the PDF as a PNG at <paramref name="dpis"/>[i] dots per inch.</summary>
    private static async Task<string[]> Rasterize(string pdftoppm, string pdf, string root, int[] dpis)
    {
        var files = new string[dpis.Length];
        for (var page = 1; page <= dpis.Length; page++)
        {
            var dpi = dpis[page - 1];
            var prefix = Path.Combine(root, $"{Path.GetFileName(Path.GetDirectoryName(pdf))}-page{page}");
            var info = new ProcessStartInfo(pdftoppm) { RedirectStandardError = true };
            foreach (var arg in new[] { "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", $"{page}", "-l", $"{page}", "-singlefile", "-png", pdf, prefix })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.Zero, error);
            files[page - 1] = prefix + ".png";
        }

        return files;
    }

    /// <summary>The rasterized page, marked by <paramref name="mark"/>, scanned crooked and saved as JPEG.</summary>
    private static string Scanned(string png, string root, string name, float degrees, float shear, Action<SKBitmap> mark)
    {
        using var page = SKBitmap.Decode(png);
        mark(page);
        using var scan = BallotPen.Scan(page, degrees, shear);
        var path = Path.Combine(root, name);
        BallotPen.SaveJpeg(scan, path);
        return path;
    }

    /// <summary>A ballot payload written here independently of the printer: "VCPB" 1 len chain len election seed.</summary>
    private static string Payload(string chain, string election) =>
        Base64Url.EncodeToString([.. "VCPB"u8, 1, (byte)chain.Length, .. Encoding.ASCII.GetBytes(chain), (byte)election.Length,
            .. Encoding.ASCII.GetBytes(election), .. Enumerable.Range(40, 32).Select(i => (byte)i)]);

    private static string QrPicture(string root, string name, string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var path = Path.Combine(root, name);
        File.WriteAllBytes(path, new PngByteQRCode(data).GetGraphic(6));
        return path;
    }
}
