using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>
/// `votechain trustee run` against a real node over gRPC: it finds the chain, reports that nothing names its key,
/// and refuses an --election that cannot use the key. (What it posts is the planner's and the rules' business.)
/// </summary>
public sealed class TrusteeRunTests
{
    private CliHarness _cli = null!;
    private string _trusteeKey = null!;
    private byte[] _trusteePublic = null!;

    [SetUp]
    public async Task SetUp()
    {
        _cli = await CliHarness.StartAsync();
        using var key = Ed25519KeyPair.Generate();
        _trusteeKey = Path.Combine(_cli.Folder, "trustee.json");
        KeyFile.Save(_trusteeKey, key);
        _trusteePublic = key.PublicKey;
    }

    [TearDown]
    public async Task TearDown() => await _cli.DisposeAsync();

    [Test]
    public async Task Once_with_no_election_naming_the_key_says_so_and_succeeds()
    {
        var run = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--once");

        Assert.That(run.Code, Is.Zero, run.ToString());
        Assert.That(run.Out, Does.Contain($"trustee {Convert.ToHexStringLower(_trusteePublic)} on chain {TestNetwork.ChainId}"));
        Assert.That(run.Out, Does.Contain("no secret election names this key yet"));
        Assert.That(run.Err, Is.Empty);
    }

    [Test]
    public async Task An_open_election_or_one_naming_other_trustees_is_refused_with_one_line()
    {
        await CommitElectionAsync("open1", secret: null);
        using var other = Ed25519KeyPair.Generate();
        await CommitElectionAsync("secret1", new SecretBallotSettings { Trustees = { ByteString.CopyFrom(other.PublicKey) }, KeyPhaseSeconds = 60 });

        var open = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--election", "open1", "--once");
        var notMine = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--election", "secret1", "--once");
        var all = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--once");

        Assert.That(open.Code, Is.EqualTo(1), open.ToString());
        Assert.That(open.Err.Trim(), Is.EqualTo("error: election open1 is not a secret election: it has no trustees"));
        Assert.That(notMine.Code, Is.EqualTo(1), notMine.ToString());
        Assert.That(notMine.Err.Trim(), Does.StartWith("error: trustee key ").And.EndWith("is not a trustee of election secret1"));
        Assert.That(all.Code, Is.Zero, all.ToString());
        Assert.That(all.Out, Does.Contain("no secret election names this key yet"));
    }

    private async Task CommitElectionAsync(string id, SecretBallotSettings? secret)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new TxPayload
        {
            CreateElection = new CreateElection
            {
                ElectionId = id,
                Title = id,
                Options = { "yes", "no" },
                OpensAtUnixMs = now.ToUnixTimeMilliseconds(),
                ClosesAtUnixMs = now.AddHours(1).ToUnixTimeMilliseconds(),
                Secret = secret,
            },
        };
        var api = _cli.Network.Api(0);
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(TestNetwork.Sign(_cli.Network.Authority, payload)) });
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await api.GetElectionAsync(new GetElectionRequest { ElectionId = id });
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => $"election {id} to commit");
    }
}
