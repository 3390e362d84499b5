using System.Text.Json.Nodes;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Tests.Secret;
using VoteChain.Networking.Tests.Support;
using VoteChain.Node.Cli;
using VoteChain.Node.Keys;
using VoteChain.Node.PaperBallots;
using VoteChain.Protos.V1;
using VoteChain.Tests.Ballots;

namespace VoteChain.Node.Tests.PaperBallots;

/// <summary>
/// Paper ballots against a real in-process node whose chain checks every block with the real rules. In a secret
/// election the scanner encrypts the marked option under the joint key with the ballot's one-time key, the block
/// executor accepts its proofs, and the tally counts its weight. Elections a paper ballot cannot serve are refused at
/// print time before any credential is registered, and a registration the node refuses leaves no PDF behind.
/// </summary>
public sealed class PaperBallotNodeTests
{
    private const string Secret = "secret-paper";

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

    [Test]
    public void A_scanned_ballot_of_a_secret_election_is_encrypted_verified_by_the_chain_and_counted()
    {
        CreateSecretElection(Secret, min: 1, max: 1);
        var fixture = new SecretElectionFixture(ApiChain.ChainId, Secret, trustees: 3, threshold: 2, options: 3, minChoices: 1, maxChoices: 1);
        _chain.Commit([new StateChange(StateColumn.Secrets, StateKeys.Secret(Secret), fixture.Secret.ToByteArray())]);
        using var ballotKey = Ed25519KeyPair.Generate();
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload
        {
            RegisterVoters = new RegisterVoters { ElectionId = Secret, Voters = { new VoterEntry { Credential = ByteString.CopyFrom(ballotKey.PublicKey), Weight = 5 } } },
        }));

        var scan = _temp.File("secret.jpg");
        using (var page = Page(ballotKey))
        {
            BallotPen.Cross(page, 150, 2);
            using var crooked = BallotPen.Scan(page, -3, 0.02f);
            BallotPen.SaveJpeg(crooked, scan);
        }

        var run = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain($"ballot {BallotCode.Of(ballotKey.PublicKey)}: counted for 'maybe' at height"));
        var tally = JsonNode.Parse(CliRun.Of("tally", "--election", Secret, "--json", "--node", _host.Address).Output)!;
        Assert.That(tally["counted_weight"]!.GetValue<ulong>(), Is.EqualTo(5));

        var again = CliRun.Of("ballots", "scan", "--image", scan, "--node", _host.Address);
        Assert.That(again.SingleErrorLine(), Does.Contain("was already counted").And.Contain("a paper ballot counts once"));
    }

    [Test]
    public void Printing_is_refused_before_registering_for_an_election_paper_cannot_serve()
    {
        CreateSecretElection("two-marks", min: 2, max: 2);
        _chain.Commit(_chain.CreateElection("crowded", options: BallotLayout.MaxOptions + 1));
        var authority = _temp.File("authority.json");
        KeyFile.Save(authority, _chain.Authority);

        foreach (var (election, says) in new[] { ("two-marks", "takes 2 to 2 marks per ballot"), ("crowded", $"holds at most {BallotLayout.MaxOptions}") })
        {
            var folder = _temp.File(election);
            var run = CliRun.Of("ballots", "print", "--key", authority, "--election", election, "--count", "2", "--out", folder, "--node", _host.Address);
            Assert.That(run.SingleErrorLine(), Does.Contain(says));
            Assert.That(Directory.GetFiles(folder), Is.Empty, "nothing is written");
            var tally = JsonNode.Parse(CliRun.Of("tally", "--election", election, "--json", "--node", _host.Address).Output)!;
            Assert.That(tally["registered_credentials"]!.GetValue<ulong>(), Is.Zero, "nothing is registered");
        }
    }

    [Test]
    public void A_registration_the_node_refuses_leaves_no_ballots_behind()
    {
        _chain.Commit(_chain.CreateElection("plain"));
        var notAnAuthority = _temp.File("voter.json");
        KeyFile.Save(notAnAuthority, _chain.Voter(1));
        var folder = _temp.File("refused");

        var run = CliRun.Of("ballots", "print", "--key", notAnAuthority, "--election", "plain", "--count", "3", "--out", folder, "--node", _host.Address);

        Assert.That(run.SingleErrorLine(), Does.Contain("the node refused 3 of 3 credentials").And.Contain("nothing was printed"));
        Assert.That(Directory.GetFiles(folder), Is.Empty);
    }

    private void CreateSecretElection(string id, uint min, uint max)
    {
        var settings = new SecretBallotSettings { Threshold = 2, KeyPhaseSeconds = 60, MinChoices = min, MaxChoices = max };
        settings.Trustees.AddRange(Enumerable.Range(0, 3).Select(i => ByteString.CopyFrom(_chain.Key(50 + i).PublicKey)));
        _chain.Commit(ApiChain.Sign(_chain.Authority, new TxPayload
        {
            CreateElection = new CreateElection
            {
                ElectionId = id,
                Title = "Secret paper",
                OpensAtUnixMs = ApiChain.Start,
                ClosesAtUnixMs = ApiChain.Start + 3_600_000,
                Secret = settings,
                Options = { "yes", "no", "maybe" },
            },
        }));
    }

    private static SkiaSharp.SKBitmap Page(Ed25519KeyPair key)
    {
        using var text = BallotText.Load();
        var sheet = new BallotSheet(ApiChain.ChainId, Secret, text.Title("Secret paper"), [.. new[] { "yes", "no", "maybe" }.Select((o, i) => text.Option(i, o))],
            new PaperBallotPayload(ApiChain.ChainId, Secret, key.ExportSeed()).Encode(), BallotCode.Of(key.PublicKey));
        return BallotPictures.Render(sheet, 150);
    }
}
