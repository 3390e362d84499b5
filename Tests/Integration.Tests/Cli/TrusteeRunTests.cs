using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>
/// `votechain trustee run` against a real node over gRPC: it verifies the chain from the genesis file before it acts,
/// reports that nothing names its key, refuses an --election that cannot use the key, carries a secret election to its
/// result on the state it verified, and stops with one line, having submitted nothing, when a node serves a block that
/// does not verify (before it caught up, or later while it follows the chain).
/// </summary>
public sealed class TrusteeRunTests
{
    private CliHarness _cli = null!;
    private string _trusteeKey = null!;
    private byte[] _trusteePublic = null!;
    private string _genesis = null!;

    [SetUp]
    public async Task SetUp()
    {
        _cli = await CliHarness.StartAsync();
        using var key = Ed25519KeyPair.Generate();
        _trusteeKey = Path.Combine(_cli.Folder, "trustee.json");
        KeyFile.Save(_trusteeKey, key);
        _trusteePublic = key.PublicKey;
        _genesis = _cli.Network.GenesisPath(0);
    }

    [TearDown]
    public async Task TearDown() => await _cli.DisposeAsync();

    [Test]
    public async Task Once_with_no_election_naming_the_key_says_so_and_succeeds()
    {
        var run = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--once");

        Assert.That(run.Code, Is.Zero, run.ToString());
        Assert.That(run.Out, Does.Contain("verified the chain: height "));
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

        var open = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--election", "open1", "--once");
        var notMine = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--election", "secret1", "--once");
        var all = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--once");

        Assert.That(open.Code, Is.EqualTo(1), open.ToString());
        Assert.That(open.Err.Trim(), Is.EqualTo("error: election open1 is not a secret election: it has no trustees"));
        Assert.That(notMine.Code, Is.EqualTo(1), notMine.ToString());
        Assert.That(notMine.Err.Trim(), Does.StartWith("error: trustee key ").And.EndWith("is not a trustee of election secret1"));
        Assert.That(all.Code, Is.Zero, all.ToString());
        Assert.That(all.Out, Does.Contain("no secret election names this key yet"));
    }

    [Test]
    public async Task A_secret_election_naming_the_key_is_carried_to_its_result_on_the_verified_chain()
    {
        await CommitElectionAsync("whole", Mine(keyPhaseSeconds: 1), closesInSeconds: 6);

        var run = await WithinAsync(_cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--election", "whole"));

        Assert.That(run.Code, Is.Zero, run.ToString());
        Assert.That(run.Out, Does.StartWith("verifying the chain: height 1 of "), "the first catch-up says how far it is from its first block");
        Assert.That(run.Out, Does.Contain("dealt for election whole")
            .And.Contain("acknowledged the deals for election whole")
            .And.Contain("posted decryption shares for election whole")
            .And.Contain("published the result for election whole")
            .And.Contain("election whole is over: result published")
            .And.Contain("done: every election naming this key is over"));
        var tally = await _cli.Network.Api(0).GetTallyAsync(new GetTallyRequest { ElectionId = "whole" });
        Assert.That(tally.Tally.ResultPublished, Is.True, "the node's chain holds the result the trustee published");
        Assert.That(tally.Tally.OptionWeights, Is.EqualTo(new ulong[] { 0, 0 }));
    }

    [TestCase(BlockLie.ForgedCertificate)]
    [TestCase(BlockLie.TamperedBody)]
    public async Task A_served_block_that_does_not_verify_stops_the_trustee_before_it_submits_anything(BlockLie lie)
    {
        await CommitElectionAsync("lied", Mine(keyPhaseSeconds: 60));
        var spoiled = await FirstBlockWithTransactionsAsync();
        await using var liar = await LyingBlockNode.StartAsync(_cli.Network.Url(0), spoiled, lie);

        var lied = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--node", liar.Url, "--once");
        var honest = await _cli.RunAsync("trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--once");

        Assert.That(lied.Code, Is.EqualTo(1), lied.ToString());
        Assert.That(lied.Err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), lied.ToString());
        Assert.That(lied.Err, Does.StartWith($"error: the chain served by {liar.Url} does not verify at block {spoiled}: "));
        Assert.That(lied.Out, Does.Not.Contain("dealt"));
        Assert.That(liar.Submissions, Is.Zero, "nothing was signed for a chain that did not verify");
        Assert.That(honest.Code, Is.Zero, honest.ToString());
        Assert.That(honest.Out, Does.Contain("dealt for election lied"), "the same election, verified, does call for a deal");
    }

    [Test]
    public async Task A_block_that_does_not_verify_after_the_catch_up_stops_the_trustee_while_it_follows_the_chain()
    {
        var head = (await _cli.Network.Api(0).GetStatusAsync(new GetStatusRequest())).Height;
        await using var liar = await LyingBlockNode.StartAsync(_cli.Network.Url(0), head + 1, BlockLie.ForgedCertificate);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var outputs = TextWriter.Synchronized(output);
        var run = Task.Run(() => CliApp.Run(["trustee", "run", "--key", _trusteeKey, "--genesis", _genesis, "--node", liar.Url], outputs,
            TextWriter.Synchronized(error)));
        // The synchronized writer locks itself around each write, so reading under that lock sees whole lines.
        string Printed()
        {
            lock (outputs)
            {
                return output.ToString();
            }
        }

        await Eventually.HoldsAsync(() => Task.FromResult(run.IsCompleted || Printed().Contains("waiting for a secret election")),
            TimeSpan.FromSeconds(30), () => $"the trustee to catch up and wait; it printed: {Printed()}");
        Assert.That(run.IsCompleted, Is.False, $"the genuine chain verified; it printed: {Printed()}");

        await CommitElectionAsync("later", Mine(keyPhaseSeconds: 60));
        var code = await WithinAsync(run);

        Assert.That(code, Is.EqualTo(1), $"{output}\n{error}");
        Assert.That(error.ToString().TrimEnd().Split('\n'), Has.Length.EqualTo(1), error.ToString());
        Assert.That(error.ToString(), Does.StartWith($"error: the chain served by {liar.Url} does not verify at block {head + 1}: ")
            .And.Contain("commit certificate"));
        Assert.That(output.ToString(), Does.Contain($"verified the chain: height {head}"));
        Assert.That(liar.Submissions, Is.Zero);
    }

    private SecretBallotSettings Mine(uint keyPhaseSeconds) =>
        new() { Trustees = { ByteString.CopyFrom(_trusteePublic) }, Threshold = 1, KeyPhaseSeconds = keyPhaseSeconds };

    private static async Task<T> WithinAsync<T>(Task<T> run)
    {
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(90)));
        Assert.That(finished, Is.SameAs(run), "the trustee run did not end within 90 s");
        return await run;
    }

    private async Task<ulong> FirstBlockWithTransactionsAsync()
    {
        var api = _cli.Network.Api(0);
        var head = (await api.GetStatusAsync(new GetStatusRequest())).Height;
        for (ulong height = 1; height <= head; height++)
        {
            var answer = await api.GetBlockAsync(new GetBlockRequest { Height = height });
            if (Block.Parser.ParseFrom(answer.Block).Transactions.Count > 0)
            {
                return height;
            }
        }

        Assert.Fail("no block holds a transaction");
        return 0;
    }

    private async Task CommitElectionAsync(string id, SecretBallotSettings? secret, int closesInSeconds = 3600)
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
                ClosesAtUnixMs = now.AddSeconds(closesInSeconds).ToUnixTimeMilliseconds(),
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
