using Google.Protobuf;
using Grpc.Net.Client;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Peers;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>
/// Equivocation evidence through the whole node: a test client holding validator 1's key opens a gossip stream to
/// node 0 (the only validator running) and sends two conflicting signed Prepares; the engine reports them, the
/// driver stores them, the API serves them, the CLI prints them, and a restart keeps them; a proposal to remove that
/// validator can carry them. Five validators, so that removing one leaves the four a set needs.
/// </summary>
public sealed class EvidenceCommandTests
{
    private TestNetwork _network = null!;

    [SetUp]
    public async Task StartNode()
    {
        _network = TestNetwork.Create(validators: 5, observers: 0);
        await _network.StartAsync(0);
    }

    [TearDown]
    public async Task StopNode() => await _network.DisposeAsync();

    [Test]
    public async Task Conflicting_prepares_from_a_validator_are_listed_counted_and_kept_across_a_restart()
    {
        var before = await CliHarness.Run(["status", "--json", "--node", _network.Url(0)]);
        Assert.That(before.Json.GetProperty("evidence").GetUInt64(), Is.Zero, before.ToString());
        Assert.That((await Evidence("--json")).Json.GetProperty("total").GetUInt64(), Is.Zero);
        Assert.That((await Evidence()).Out, Does.Contain("no equivocation evidence recorded"));

        var (first, second) = await EquivocateAsync(1);
        await WaitForEvidenceAsync(1);

        var json = await Evidence("--json");
        Assert.That(json.Code, Is.Zero, json.ToString());
        Assert.That(json.Json.GetProperty("total").GetUInt64(), Is.EqualTo(1));
        var record = json.Json.GetProperty("records").EnumerateArray().Single();
        Assert.That(record.GetProperty("validator_index").GetUInt32(), Is.EqualTo(1));
        Assert.That(record.GetProperty("validator_name").GetString(), Is.EqualTo("node1"));
        Assert.That(record.GetProperty("validator_public_key").GetString(), Is.EqualTo(Convert.ToHexStringLower(PublicKey(1))));
        Assert.That(record.GetProperty("height").GetUInt64(), Is.EqualTo(1));
        Assert.That(record.GetProperty("view").GetUInt64(), Is.Zero);
        Assert.That(record.GetProperty("kind").GetString(), Is.EqualTo("prepare"));
        Assert.That(record.GetProperty("first").GetString(), Is.EqualTo(Convert.ToHexStringLower(first.ToByteArray())));
        Assert.That(record.GetProperty("second").GetString(), Is.EqualTo(Convert.ToHexStringLower(second.ToByteArray())));
        var recordedAt = DateTimeOffset.Parse(record.GetProperty("recorded_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(DateTimeOffset.UtcNow - recordedAt, Is.InRange(TimeSpan.Zero, TimeSpan.FromMinutes(5)));

        var text = await Evidence("--limit", "5");
        Assert.That(text.Out, Does.Contain("evidence: 1 recorded"));
        Assert.That(text.Out, Does.Match(@"validator\s+height\s+view\s+kind\s+recorded at"));
        Assert.That(text.Out, Does.Match(@"1 node1\s+1\s+0\s+prepare\s+\d{4}-\d\d-\d\dT"));
        var status = await CliHarness.Run(["status", "--node", _network.Url(0)]);
        Assert.That(status.Out, Does.Match(@"evidence:\s+1"));

        await _network.StopAsync(0);
        await _network.StartAsync(0);
        var restarted = await CliHarness.Run(["status", "--json", "--node", _network.Url(0)]);
        Assert.That(restarted.Json.GetProperty("evidence").GetUInt64(), Is.EqualTo(1), restarted.ToString());

        // The same pair again after the restart is recognised as stored. Validator 2's pair, sent after it, is new:
        // once it is counted, the repeat before it has been handled too (one driver queue, in order).
        await EquivocateAsync(1);
        await EquivocateAsync(2);
        await WaitForEvidenceAsync(2);
        var after = await Evidence("--json");
        Assert.That(after.Json.GetProperty("total").GetUInt64(), Is.EqualTo(2), after.ToString());
        Assert.That(after.Json.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("validator_index").GetUInt32()),
            Is.EqualTo(new uint[] { 2, 1 }));

        // The record backs a removal by its id: the node's rules check both signed messages when they admit the proposal.
        var againstOne = after.Json.GetProperty("records").EnumerateArray().Single(r => r.GetProperty("validator_index").GetUInt32() == 1)
            .GetProperty("id").GetString()!;
        string[] remove = ["governance", "propose", "remove-validator", "--evidence", againstOne,
            "--key", Path.Combine(Home(0), "config", "node_key.json"), "--node", _network.Url(0)];
        var proposed = await CliHarness.Run([.. remove, "--public-key", Convert.ToHexStringLower(PublicKey(1))]);
        Assert.That(proposed.Code, Is.Zero, proposed.ToString());
        Assert.That(proposed.Out, Does.Match("proposal [0-9a-f]{64} submitted"));
        ChainCommandTests.AssertOneLineError(await CliHarness.Run([.. remove, "--public-key", Convert.ToHexStringLower(PublicKey(2))]),
            "is against " + Convert.ToHexStringLower(PublicKey(1)));
    }

    [TestCase("0")]
    [TestCase("1001")]
    public async Task A_limit_out_of_range_is_a_one_line_error(string limit)
    {
        var result = await Evidence("--limit", limit);

        Assert.That(result.Code, Is.EqualTo(1), result.ToString());
        Assert.That(result.Err.TrimEnd(), Is.EqualTo($"error: --limit must be from 1 to 1000, got {limit}"));
    }

    private Task<CliResult> Evidence(params string[] args) => CliHarness.Run(["evidence", .. args, "--node", _network.Url(0)]);

    /// <summary>Plays a validator: the handshake, then two Prepares for different blocks at height 1, view 0.</summary>
    private async Task<(ConsensusMessage First, ConsensusMessage Second)> EquivocateAsync(uint validator)
    {
        using var key = KeyFile.Load(Path.Combine(Home((int)validator), "config", "node_key.json"));
        var genesisHash = GenesisHash.Of(GenesisFile.Load(Path.Combine(Home(0), "config", "genesis.json")));
        var first = Prepare(key, validator, Hashing.Sha256("block a"u8));
        var second = Prepare(key, validator, Hashing.Sha256("block b"u8));

        using var channel = GrpcChannel.ForAddress(_network.Url(0));
        using var call = new PeerService.PeerServiceClient(channel).Gossip(deadline: DateTime.UtcNow.AddSeconds(30));
        var self = new LocalPeer(key, TestNetwork.ChainId, genesisHash, $"node{validator}", "http://127.0.0.1:1");
        await ClientHandshake.RunAsync(call, self, () => ConnectionBinding.None, expectedKey: null, CancellationToken.None);
        await call.RequestStream.WriteAsync(new PeerMessage { Consensus = first });
        await call.RequestStream.WriteAsync(new PeerMessage { Consensus = second });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.False, "the node sends nothing after its Welcome");
        return (first, second);
    }

    private async Task WaitForEvidenceAsync(ulong count)
    {
        var api = _network.Api(0);
        await Eventually.HoldsAsync(async () => (await api.GetStatusAsync(new GetStatusRequest())).EvidenceCount >= count,
            TimeSpan.FromSeconds(30), () => $"node 0 to count {count} evidence record(s)");
    }

    private static ConsensusMessage Prepare(Ed25519KeyPair key, uint sender, byte[] blockHash) => new()
    {
        PhaseVote = new PhaseVote
        {
            Kind = PhaseVoteKind.Prepare,
            Height = 1,
            View = 0,
            BlockHash = ByteString.CopyFrom(blockHash),
            Sender = sender,
            Signature = ByteString.CopyFrom(key.Sign(MessageSigning.Bytes(SignStep.Prepare, TestNetwork.ChainId, 1, 0, blockHash))),
        },
    };

    private byte[] PublicKey(int node)
    {
        using var key = KeyFile.Load(Path.Combine(Home(node), "config", "node_key.json"));
        return key.PublicKey;
    }

    /// <summary>TestNetwork lays each node's home out as Root/node{i}.</summary>
    private string Home(int node) => Path.Combine(_network.Root, $"node{node}");
}
