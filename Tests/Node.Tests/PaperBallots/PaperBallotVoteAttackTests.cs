using System.Text.Json.Nodes;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli;
using VoteChain.Node.Keys;
using VoteChain.Node.PaperBallots;
using VoteChain.Protos.V1;
using VoteChain.Tests.Ballots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// Review attacks on the vote path of `ballots scan` and on what `ballots print` accepts, against a real in-process
/// node (real RocksDB, real gRPC on 127.0.0.1) whose chain checks every block with the real rules: a careless or
/// hostile operator's --option, a ballot whose key was used before the paper reached the station, an election that
/// lets a photographed QR code change the paper's vote afterwards, a ballot scanned after the close, and two stations
/// scanning the same ballot at once.
/// </summary>
public sealed class PaperBallotVoteAttackTests
{
    private const string Plain = "paper-plain";
    private static readonly string[] OptionNames = ["option 0", "option 1", "option 2"];

    private ScannerNode _node = null!;
    private TempFolder _temp = null!;
    private ApiChain _chain = null!;
    private ApiHost _host = null!;

    [SetUp]
    public async Task StartNode()
    {
        _node = await ScannerNode.StartAsync();
        (_temp, _chain, _host) = (_node.Temp, _node.Chain, _node.Host);
    }

    [TearDown]
    public Task StopNode() => _node.DisposeAsync().AsTask();

    /// <summary>
    /// The voter crossed "option 0" and "option 2" (an overvote). The operator passes --option "option 1", a box the
    /// paper shows empty. Refused: a person's reading may only pick among the boxes that hold ink.
    /// </summary>
    [Test]
    public void An_operator_cannot_count_an_overvoted_ballot_for_a_box_the_paper_leaves_empty()
    {
        using var key = RegisteredBallot(Plain);
        var scan = MarkedScan(key, Plain, 0, 2);

        var run = CliRun.Of("ballots", "scan", "--image", scan, "--option", "option 1", "--node", _host.Address);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), $"a box with no ink was counted: {run}");
        Assert.That(CountedWeight(Plain), Is.Zero);
    }

    /// <summary>
    /// A blank ballot (no ink in any box) scanned with --option: were it counted, an operator could vote every unmarked
    /// or unused paper. Refused even with --option.
    /// </summary>
    [Test]
    public void A_blank_ballot_is_not_counted_on_the_operators_word()
    {
        using var key = RegisteredBallot(Plain);
        var scan = MarkedScan(key, Plain);

        var run = CliRun.Of("ballots", "scan", "--image", scan, "--option", "option 2", "--node", _host.Address);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), $"a blank paper was counted: {run}");
        Assert.That(CountedWeight(Plain), Is.Zero);
    }

    /// <summary>
    /// Whoever photographs a paper ballot holds its key. Where the election allows revoting, that person could cast a
    /// sequence-2 vote after the station scanned the paper and replace the paper's vote. Printing refuses an election
    /// with allow_revote (as it refuses anonymous ones), before any credential is registered.
    /// </summary>
    [Test]
    public void Printing_is_refused_for_an_election_that_lets_a_photographed_key_replace_the_paper_vote()
    {
        _chain.Commit(_chain.CreateElection("revote", allowRevote: true));
        var authority = _temp.File("authority.json");
        KeyFile.Save(authority, _chain.Authority);
        var folder = _temp.File("revote-ballots");

        var run = CliRun.Of("ballots", "print", "--key", authority, "--election", "revote", "--count", "1", "--out", folder, "--node", _host.Address);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), $"ballots were printed for a revote election: {run}");
        Assert.That(Directory.Exists(folder) ? Directory.GetFiles(folder) : [], Is.Empty);
    }

    /// <summary>
    /// The same attack end to end, with a ballot registered past the printer: scanned for "option 2", then replaced by
    /// someone who photographed its QR code voting "option 0" at sequence 2. The scanner refuses ballots of elections
    /// that allow revoting, so the paper's vote is never the one a photo can replace.
    /// </summary>
    [Test]
    public void A_scanned_paper_vote_is_not_replaced_by_whoever_photographed_the_qr_code()
    {
        _chain.Commit(_chain.CreateElection("revote", allowRevote: true));
        using var key = RegisteredBallot("revote", create: false);
        var scan = MarkedScan(key, "revote", 2);
        var scanned = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);
        if (scanned.ExitCode != ExitCodes.Success)
        {
            Assert.That(scanned.SingleErrorLine(), Does.Contain("revot"), "refused at the scanner: the paper's vote cannot be replaced");
            return;
        }

        var photographed = ScannedBallot.Read(scan).Payload;
        using var thief = Ed25519KeyPair.FromSeed(photographed.Seed);
        _chain.Commit(ApiChain.Vote("revote", thief, option: 0, sequence: 2));

        var rescan = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);
        var weights = Tally("revote")["options"]!.AsArray().Select(o => o!["weight"]!.GetValue<ulong>()).ToArray();
        Assert.That(weights, Is.EqualTo(new ulong[] { 0, 0, 1 }), $"the paper said option 2; rescan: {rescan}");
    }

    /// <summary>
    /// Someone copied the QR code before the paper reached the station and voted "option 0" with its key. The paper is
    /// clearly marked "option 2". The scanner must not answer "was already counted", as for an honest rescan: it says the
    /// chain counts this ballot for "option 0" while the paper shows "option 2" (in open elections, where the chain shows
    /// the option), so the station sets the paper aside.
    /// </summary>
    [Test]
    public void A_ballot_whose_key_voted_against_the_paper_is_not_passed_off_as_an_honest_rescan()
    {
        using var key = RegisteredBallot(Plain);
        _chain.Commit(ApiChain.Vote(Plain, key, option: 0));
        var scan = MarkedScan(key, Plain, 2);

        var run = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);

        var line = run.SingleErrorLine();
        Assert.That(line, Does.Contain("'option 0'").And.Contain("'option 2'"), "the station must learn the chain's vote differs from the paper");
    }

    /// <summary>
    /// Two stations scan the same paper at the same moment: exactly one says counted, the other says already counted,
    /// and the weight is counted once. (Holds.)
    /// </summary>
    [Test]
    public async Task Two_stations_scanning_one_ballot_at_once_count_it_once()
    {
        using var key = RegisteredBallot(Plain);
        var scan = MarkedScan(key, Plain, 1);

        using var start = new Barrier(2);
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);
        })));

        Assert.That(runs.Count(r => r.ExitCode == ExitCodes.Success && r.Output.Contains("counted for 'option 1'")), Is.EqualTo(1), string.Join(" | ", runs.Select(r => r.ToString())));
        Assert.That(runs.Count(r => r.ExitCode == ExitCodes.Failure && r.Error.Contains("was already counted")), Is.EqualTo(1), string.Join(" | ", runs.Select(r => r.ToString())));
        Assert.That(CountedWeight(Plain), Is.EqualTo(1));
    }

    /// <summary>
    /// After the close: a fresh ballot and a rescan of a counted one each get one line, exit 1, and nothing changes.
    /// The rescan still says the paper was already counted (its vote is on the chain), not only that the election
    /// is closed.
    /// </summary>
    [Test]
    public void After_the_close_a_scan_is_one_line_and_a_counted_ballot_is_still_said_to_be_counted()
    {
        var closesAt = ApiChain.TimeOf(_chain.Store.Height + 5);
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload
        {
            CreateElection = new CreateElection
            {
                ElectionId = "closing", Title = "Closing", OpensAtUnixMs = ApiChain.Start, ClosesAtUnixMs = closesAt, Options = { OptionNames },
            },
        }));
        using var counted = RegisteredBallot("closing", create: false);
        using var late = RegisteredBallot("closing", create: false);
        var countedScan = MarkedScan(counted, "closing", 0);
        Assert.That(CliRun.Of("ballots", "scan", "--image", countedScan, "--node", _host.Address).ExitCode, Is.EqualTo(ExitCodes.Success));
        while (ApiChain.TimeOf(_chain.Store.Height + 1) <= closesAt)
        {
            _chain.Commit();
        }

        var lateLine = CliRun.Of("ballots", "scan", "--image", MarkedScan(late, "closing", 1), "--node", _host.Address).SingleErrorLine();
        var rescanLine = CliRun.Of("ballots", "scan", "--image", countedScan, "--node", _host.Address).SingleErrorLine();
        TestContext.Out.WriteLine(lateLine);
        TestContext.Out.WriteLine(rescanLine);
        Assert.Multiple(() =>
        {
            Assert.That(lateLine, Does.Contain("CLOSED").IgnoreCase);
            Assert.That(rescanLine, Does.Contain("already counted"));
            Assert.That(CountedWeight("closing"), Is.EqualTo(1));
        });
    }

    /// <summary>
    /// The authority revokes a ballot's credential (a stolen batch, say) before or after it was scanned. Scanning it is
    /// one prompt line that names the revocation. Before: CREDENTIAL_REVOKED. After: the revocation took the vote out
    /// of the tally while GetVoter still shows the old ballot, so "was already counted" would be false: the scanner
    /// checks that the ballot still counts and says it was revoked.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void A_revoked_ballot_is_refused_at_once_with_one_line(bool scannedBefore)
    {
        using var key = RegisteredBallot(Plain);
        var scan = MarkedScan(key, Plain, 1);
        if (scannedBefore)
        {
            Assert.That(CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address).ExitCode, Is.EqualTo(ExitCodes.Success));
        }

        _chain.Commit(_chain.Revoke(Plain, key));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var line = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address).SingleErrorLine();
        TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {line}");

        Assert.Multiple(() =>
        {
            Assert.That(CountedWeight(Plain), Is.Zero, "the revocation took the vote out of the tally");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), line);
            Assert.That(line, Does.Contain("REVOKED").IgnoreCase.And.Not.Contain("timed out"), "the station must not be told the ballot counts");
        });
    }

    /// <summary>
    /// Someone with write access to the --out folder plants ballots.pdf as a dangling symbolic link to a place they
    /// can read. The keys must never be written through it, and nothing should be registered for ballots that cannot
    /// be printed. (Holds if refused before registration and the link's target is never created.)
    /// </summary>
    [Test]
    public void A_planted_symbolic_link_in_place_of_the_pdf_receives_no_key_and_nothing_is_registered()
    {
        _chain.Commit(_chain.CreateElection(Plain));
        var authority = _temp.File("authority.json");
        KeyFile.Save(authority, _chain.Authority);
        var folder = _temp.File("planted");
        Directory.CreateDirectory(folder);
        var target = _temp.File("attacker-reads-this.pdf");
        File.CreateSymbolicLink(Path.Combine(folder, "ballots.pdf"), target);

        var run = CliRun.Of("ballots", "print", "--key", authority, "--election", Plain, "--count", "2", "--out", folder, "--node", _host.Address);
        TestContext.Out.WriteLine(run.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
            Assert.That(File.Exists(target), Is.False, "the keys were written through the link");
            Assert.That(Tally(Plain)["registered_credentials"]!.GetValue<ulong>(), Is.Zero, "credentials registered that nobody will ever hold");
        });
    }

    private Ed25519KeyPair RegisteredBallot(string election, bool create = true)
    {
        if (create && _chain.Store.Height == 0)
        {
            _chain.Commit(_chain.CreateElection(election));
        }

        var key = Ed25519KeyPair.Generate();
        _chain.Commit(_chain.Register(election, key));
        return key;
    }

    /// <summary>The ballot page of <paramref name="key"/> with crosses in <paramref name="boxes"/>, scanned crooked as a JPEG.</summary>
    private string MarkedScan(Ed25519KeyPair key, string election, params int[] boxes)
    {
        using var text = BallotText.Load();
        var sheet = new BallotSheet(ApiChain.ChainId, election, text.Title($"Election {election}"), [.. OptionNames.Select((o, i) => text.Option(i, o))],
            new PaperBallotPayload(ApiChain.ChainId, election, key.ExportSeed()).Encode(), BallotCode.Of(key.PublicKey));
        using var page = BallotPictures.Render(sheet, 150);
        foreach (var box in boxes)
        {
            BallotPen.Cross(page, 150, box);
        }

        using var crooked = BallotPen.Scan(page, -2, 0.01f);
        var path = _temp.File($"{election}-{Guid.NewGuid():N}.jpg");
        BallotPen.SaveJpeg(crooked, path);
        return path;
    }

    private JsonNode Tally(string election) =>
        JsonNode.Parse(CliRun.Of("tally", "--election", election, "--json", "--node", _host.Address).Output)!;

    private ulong CountedWeight(string election) => Tally(election)["counted_weight"]!.GetValue<ulong>();
}
