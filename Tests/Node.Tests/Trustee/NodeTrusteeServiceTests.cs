using VoteChain.Integration.Tests;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Hosting;
using VoteChain.Node.Keys;
using VoteChain.Node.Trustee;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Node.Tests.Trustee;

/// <summary>
/// A real one-validator node made by `init`: its trustee key is in the genesis, so a secret election that names no
/// trustees names it, and the node's own trustee service takes the election up. Turned off, there is no service.
/// The API side of the loop (what `trustee run` uses: the node's blocks verified and replayed) is checked against the same node.
/// </summary>
public sealed class NodeTrusteeServiceTests
{
    private TempFolder _temp = null!;
    private string _home = null!;
    private int _port;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder();
        _home = _temp.File("node");
        Assert.That(CliRun.Of("init", "--home", _home).ExitCode, Is.Zero);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var nodeKey = CliRun.Of("keys", "show", "--key", Path.Combine(_home, "config", "node_key.json")).Output.Trim();
        var trusteeKey = CliRun.Of("keys", "show", "--key", TrusteeKeyFile.DefaultPath(_home)).Output.Trim();
        var genesis = Path.Combine(_home, "config", "genesis.json");
        Assert.That(CliRun.Of("genesis", "new", "--chain-id", "trustee-node", "--out", genesis).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-validator", "--genesis", genesis, "--pubkey", nodeKey, "--endpoint", $"http://127.0.0.1:{_port}",
            "--trustee-key", trusteeKey).ExitCode, Is.Zero);
        Assert.That(CliRun.Of("genesis", "add-authority", "--genesis", genesis, "--pubkey", nodeKey).ExitCode, Is.Zero);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task The_node_s_trustee_takes_up_a_secret_election_of_the_validators()
    {
        await using var node = Build();
        await node.StartAsync();
        var trustee = node.App.Services.GetServices<IHostedService>().OfType<TrusteeService>().Single();
        Assert.That(trustee.Loop.LastPass?.Elections ?? 0, Is.Zero);

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_port}");
        var api = new VoteChainApi.VoteChainApiClient(channel);
        using var authority = KeyFile.Load(Path.Combine(_home, "config", "node_key.json"));
        var payload = ElectionPayload("secret1");
        payload.CreateElection.Secret = new SecretBallotSettings();
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(TxSigning.Sign(authority, payload)) });

        // One trustee, threshold 1: it deals, then acknowledges at once (every trustee dealt), and the key is final.
        var store = node.App.Services.GetRequiredService<ChainStore>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (store.GetSecret("secret1") is not { Deals.Count: 1, Acks.Count: 1 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.That(trustee.Loop.LastPass?.Elections, Is.EqualTo(1), "the election names the validator's trustee key");
        var secret = store.GetSecret("secret1");
        Assert.That(secret?.Deals.Select(d => d.Dealer), Is.EqualTo(new uint[] { 1 }), "the node dealt by itself");
        Assert.That(secret!.Acks.Single().Complaints, Is.Empty);
        await node.StopAsync();
        Assert.That(trustee.ExecuteTask!.IsCompletedSuccessfully, Is.True, "the trustee stopped cleanly with the node");
    }

    [Test]
    public async Task Left_alone_the_node_s_trustee_carries_a_secret_election_from_key_generation_to_its_published_result()
    {
        await using var node = Build();
        await node.StartAsync();
        var trustee = node.App.Services.GetServices<IHostedService>().OfType<TrusteeService>().Single();
        var store = node.App.Services.GetRequiredService<ChainStore>();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_port}");
        var api = new VoteChainApi.VoteChainApiClient(channel);
        using var authority = KeyFile.Load(Path.Combine(_home, "config", "node_key.json"));
        var payload = ElectionPayload("short");
        payload.CreateElection.Secret = new SecretBallotSettings { KeyPhaseSeconds = 1 };
        payload.CreateElection.ClosesAtUnixMs = DateTimeOffset.UtcNow.AddSeconds(6).ToUnixTimeMilliseconds();
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(TxSigning.Sign(authority, payload)) });

        // No votes: after the close the trustee posts its (identity) decryption shares, then the all-zero result.
        await Eventually.HoldsAsync(() => Task.FromResult(store.GetTally("short") is { ResultPublished: true }), TimeSpan.FromSeconds(60),
            () => "the result of the election nobody voted in");

        var tally = store.GetTally("short");
        Assert.That(tally?.ResultPublished, Is.True, "the result came out with nobody but the node acting");
        Assert.That(tally!.OptionWeights, Is.EqualTo(new ulong[] { 0, 0 }));
        Assert.That(store.GetSecret("short")!.DecryptionShares.Select(s => s.Trustee), Is.EqualTo(new uint[] { 1 }));
        await Eventually.HoldsAsync(() => Task.FromResult(trustee.Loop.LastPass is { AllFinished: true }), TimeSpan.FromSeconds(30),
            () => "the trustee's pass that sees every election over");

        Assert.That(trustee.Loop.LastPass?.AllFinished, Is.True, "the trustee sees the election is over");
    }

    [Test]
    public async Task Through_the_api_the_trustee_reads_only_the_chain_it_verified_and_a_refusal_keeps_its_code()
    {
        await using var node = Build();
        await node.StartAsync();
        using var client = new Cli.Client.NodeClient($"http://127.0.0.1:{_port}", Cli.Client.ClientTls.From(Cli.CliApp.BuildRoot().Parse([])));
        using var authority = KeyFile.Load(Path.Combine(_home, "config", "node_key.json"));
        var genesis = Genesis.GenesisFile.Load(Path.Combine(_home, "config", "genesis.json"));
        var chain = await Task.Run(() => VerifiedApiTrusteeChain.Connect(client, genesis));
        var good = ElectionPayload("viaapi");
        var bad = ElectionPayload("bad");
        bad.CreateElection.Options.RemoveAt(1);

        var accepted = await Task.Run(() => chain.Submit(TxSigning.Sign(authority, good)));
        var refused = await Task.Run(() => chain.Submit(TxSigning.Sign(authority, bad)));
        Assert.That(chain.Status(accepted.TxId!), Is.EqualTo(TrusteeTxStatus.Unknown), "nothing is verified before a catch-up");
        Assert.That(chain.Elections(), Is.Empty);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (chain.Status(accepted.TxId!) != TrusteeTxStatus.Committed && DateTime.UtcNow < deadline)
        {
            await Task.Run(() => chain.CatchUp((_, _) => { }));
        }

        var store = node.App.Services.GetRequiredService<ChainStore>();
        Assert.That(chain.ChainId, Is.EqualTo("trustee-node"));
        Assert.That(chain.GenesisHash, Is.EqualTo(Consensus.Genesis.GenesisHash.Of(genesis)));
        Assert.That(accepted.Accepted, Is.True);
        Assert.That(refused.Code, Is.EqualTo("INVALID_ELECTION"));
        Assert.That(chain.Status(accepted.TxId!), Is.EqualTo(TrusteeTxStatus.Committed));
        Assert.That(chain.Status(new byte[32]), Is.EqualTo(TrusteeTxStatus.Unknown));
        Assert.That(chain.Failure, Is.Null);
        Assert.That(chain.Elections().Select(e => e.Definition.ElectionId), Has.Member("viaapi"));
        var state = chain.Read("viaapi");
        Assert.That(state?.Election, Is.EqualTo(store.GetElection("viaapi")), "the replayed record is the node's own");
        Assert.That(state!.HeadTimeUnixMs, Is.EqualTo(store.BlockTimeUnixMs(chain.Height)), "the head time is the verified head block's");
        Assert.That(chain.Read("nothing"), Is.Null);
    }

    [Test]
    public async Task A_genesis_file_of_another_chain_is_refused_before_anything_is_read()
    {
        await using var node = Build();
        await node.StartAsync();
        using var client = new Cli.Client.NodeClient($"http://127.0.0.1:{_port}", Cli.Client.ClientTls.From(Cli.CliApp.BuildRoot().Parse([])));
        var genesis = Genesis.GenesisFile.Load(Path.Combine(_home, "config", "genesis.json"));
        genesis.ChainId = "other-chain";

        var e = await Assert.ThrowsAsync<UserInputException>(() => Task.Run(() => VerifiedApiTrusteeChain.Connect(client, genesis)));

        Assert.That(e!.Message, Does.StartWith($"the node at http://127.0.0.1:{_port} serves chain trustee-node with genesis hash ")
            .And.Contain("not chain other-chain of the genesis file"));
    }

    [Test]
    public async Task A_node_whose_trustee_is_turned_off_runs_none()
    {
        var configPath = Path.Combine(_home, "config", "node.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["trustee"]!["enabled"] = false;
        File.WriteAllText(configPath, config.ToJsonString());

        await using var node = Build();

        Assert.That(node.Options.Trustee.IsOn, Is.False);
        Assert.That(node.App.Services.GetServices<IHostedService>().OfType<TrusteeService>(), Is.Empty);
    }

    private static TxPayload ElectionPayload(string id)
    {
        var now = DateTimeOffset.UtcNow;
        return new TxPayload
        {
            ChainId = "trustee-node",
            CreateElection = new CreateElection
            {
                ElectionId = id,
                Title = id,
                Options = { "yes", "no" },
                OpensAtUnixMs = now.ToUnixTimeMilliseconds(),
                ClosesAtUnixMs = now.AddHours(1).ToUnixTimeMilliseconds(),
            },
        };
    }

    private NodeInstance Build() =>
        NodeRuntime.Build(NodeOptionsLoader.Load(_home, new Dictionary<string, string?> { ["listen"] = $"127.0.0.1:{_port}" }, []));
}
