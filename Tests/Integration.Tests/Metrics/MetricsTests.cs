using System.Net;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Metrics;

/// <summary>
/// A real node's /metrics on its web endpoint, read with a plain HTTP client: the figures move with real traffic over
/// gRPC, refusals are counted under their rule's code and nothing else (a flood of junk adds no series), promtool
/// accepts the exposition, the gRPC port never serves it, and web.metrics false turns it off.
/// </summary>
public sealed class MetricsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string[] ReasonNames = Enum.GetValues<RejectCode>().Where(c => c != RejectCode.Unspecified)
        .Select(Rejection.NameOf).ToArray();

    [Test]
    public async Task The_metrics_move_with_votes_commits_and_refusals()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 1, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        var api = net.Api(0);
        var before = await Scrape.TakeAsync(http);

        using var voter = Ed25519KeyPair.Generate();
        await SubmitAsync(api, Payloads.CreateElection(net.Authority, "m"));
        await TallyHoldsAsync(api, "m", _ => true, "the election");
        await SubmitAsync(api, Payloads.Register(net.Authority, "m", [voter.PublicKey]));
        await TallyHoldsAsync(api, "m", t => t.RegisteredCredentials == 1, "the registration");
        var vote = Payloads.Vote(voter, "m", option: 1);
        await SubmitAsync(api, vote);
        await TallyHoldsAsync(api, "m", t => t.CountedBallots == 1, "the vote");
        var voted = await Scrape.TakeAsync(http);

        Assert.Multiple(() =>
        {
            Assert.That(voted["votechain_transactions_accepted_total"], Is.GreaterThanOrEqualTo(before["votechain_transactions_accepted_total"] + 3));
            Assert.That(voted["votechain_head_height"], Is.GreaterThanOrEqualTo(before["votechain_head_height"] + 3), "one block per awaited commit");
            Assert.That(voted["votechain_block_commit_duration_seconds_count"], Is.GreaterThanOrEqualTo(before["votechain_block_commit_duration_seconds_count"] + 3));
            Assert.That(voted["votechain_storage_block_write_duration_seconds_count"],
                Is.EqualTo(voted["votechain_block_commit_duration_seconds_count"]), "every commit is one write batch");
            Assert.That(voted["votechain_block_transactions_sum"], Is.GreaterThanOrEqualTo(before["votechain_block_transactions_sum"] + 3));
            Assert.That(voted["votechain_block_size_bytes_sum"], Is.GreaterThan(before["votechain_block_size_bytes_sum"]));
            // The three client transactions were accepted here and committed here: each one's wait was timed.
            Assert.That(voted["votechain_transaction_commit_latency_seconds_count"],
                Is.GreaterThanOrEqualTo(before["votechain_transaction_commit_latency_seconds_count"] + 3));
            Assert.That(voted["votechain_mempool_transactions"], Is.Zero);
            Assert.That(voted["votechain_mempool_bytes"], Is.Zero);
            Assert.That(voted["process_cpu_seconds_total"], Is.GreaterThan(0));
            // The node's own account of its memory: the three blocks sit in RocksDB's memtables, the other parts exist.
            Assert.That(voted["votechain_storage_memory_bytes{part=\"memtables\"}"], Is.GreaterThan(0));
            Assert.That(voted["votechain_storage_memory_bytes{part=\"table_readers\"}"], Is.GreaterThanOrEqualTo(0));
            Assert.That(voted["votechain_storage_memory_bytes{part=\"block_cache\"}"], Is.GreaterThanOrEqualTo(0));
            Assert.That(voted["votechain_native_heap_bytes{state=\"in_use\"}"], Is.GreaterThan(0));
            Assert.That(voted["votechain_native_heap_bytes{state=\"free\"}"], Is.GreaterThanOrEqualTo(0));
            // Committed as of the last GC, so not comparable with the live total read at another moment: only that it is read.
            Assert.That(voted["votechain_managed_heap_committed_bytes"], Is.GreaterThan(1 << 20));
        });

        // The same vote again: refused as a duplicate, and counted under that code.
        var refusal = (await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(api, vote)))!;
        Assert.That(RejectionStatus.ReasonOf(refusal), Is.EqualTo("DUPLICATE_TRANSACTION"));
        var again = await Scrape.TakeAsync(http);
        Assert.That(again[Refused("DUPLICATE_TRANSACTION")], Is.GreaterThanOrEqualTo(voted[Refused("DUPLICATE_TRANSACTION")] + 1));
        Assert.That(again["votechain_transactions_accepted_total"], Is.EqualTo(voted["votechain_transactions_accepted_total"]));

        // The observer syncs from the validator: one peer connected, level with it.
        using var observer = new HttpClient { BaseAddress = new Uri(net.WebUrl(1)) };
        var height = again["votechain_head_height"];
        await Eventually.HoldsAsync(async () =>
        {
            var seen = await Scrape.TakeAsync(observer);
            return seen["votechain_peers_connected"] == 1 && seen["votechain_peers"] == 1 && seen["votechain_head_height"] >= height
                && seen["votechain_sync_lag_blocks"] == 0;
        }, Patience, () => "the observer connected and level with the validator");
    }

    [Test]
    public async Task A_missing_primary_shows_as_a_view_change_and_a_peer_not_connected()
    {
        // Validator 1 is the primary of height 1 in view 0 ((height + view) mod n): without it the others must move on.
        await using var net = TestNetwork.Create(validators: 4, observers: 0, proposeTimeoutMs: 300, web: true);
        foreach (var node in new[] { 0, 2, 3 })
        {
            await net.StartAsync(node);
        }

        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        var api = net.Api(0);
        await SubmitAsync(api, Payloads.CreateElection(net.Authority, "v"));
        await TallyHoldsAsync(api, "v", _ => true, "the election, committed by the next primary");

        var scrape = await Scrape.TakeAsync(http);
        Assert.Multiple(() =>
        {
            Assert.That(scrape["votechain_consensus_view_changes_total"], Is.GreaterThanOrEqualTo(1));
            Assert.That(scrape["votechain_head_height"], Is.GreaterThanOrEqualTo(1));
            Assert.That(scrape["votechain_peers"], Is.EqualTo(3));
            Assert.That(scrape["votechain_peers_connected"], Is.EqualTo(2), "validator 1 never started");
        });
    }

    [Test]
    public async Task A_flood_of_junk_is_counted_under_rule_codes_only_and_adds_no_series()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        var api = net.Api(0);
        var before = await Scrape.TakeAsync(http);
        Assert.That(RefusedSeries(before), Is.EquivalentTo(ReasonNames.Select(Refused)), "every code is there from the start, at 0");

        // An attacker controls the bytes, never the label: junk of every length and shape, a vote on another chain,
        // one for an election that does not exist.
        using var stranger = Ed25519KeyPair.Generate();
        var junk = Enumerable.Range(1, 40).Select(n => Enumerable.Range(0, n * 7).Select(i => (byte)(i * n)).ToArray()).ToList();
        var otherChain = new TxPayload { ChainId = "another", CastVote = new CastVote { ElectionId = "m", Option = 0, Sequence = 1 } };
        junk.Add(TxSigning.Sign(stranger, otherChain));
        junk.Add(Payloads.Vote(stranger, "no-such-election", option: 0));
        foreach (var envelope in junk)
        {
            await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(api, envelope));
        }

        var after = await Scrape.TakeAsync(http);
        Assert.That(RefusedSeries(after), Is.EquivalentTo(ReasonNames.Select(Refused)), "no series beyond the rule codes");
        var refused = ReasonNames.Sum(r => after[Refused(r)] - before[Refused(r)]);
        Assert.That(refused, Is.EqualTo(junk.Count), "each refusal counted once");
        Assert.That(after[Refused("WRONG_CHAIN")], Is.EqualTo(before[Refused("WRONG_CHAIN")] + 1));
        Assert.That(after[Refused("UNKNOWN_ELECTION")], Is.EqualTo(before[Refused("UNKNOWN_ELECTION")] + 1));
        Assert.That(after["votechain_transactions_accepted_total"], Is.EqualTo(before["votechain_transactions_accepted_total"]));
    }

    [Test]
    public async Task Promtool_accepts_the_exposition()
    {
        var promtool = Promtool.Find();
        if (promtool is null)
        {
            Assert.Ignore("promtool is not installed (Debian package prometheus; scripts/test.sh installs it with apt-get): the format was not checked");
        }

        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        var api = net.Api(0);
        // Some of everything: an accepted transaction committed and timed, a refusal.
        await SubmitAsync(api, Payloads.CreateElection(net.Authority, "p"));
        await TallyHoldsAsync(api, "p", _ => true, "the election");
        await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(api, [1, 2, 3]));

        var scrape = await Scrape.TakeAsync(http);
        var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool!, scrape.Text);
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Is.Empty, "promtool's lint found problems");
        Assert.That(scrape["votechain_block_commit_duration_seconds_count"], Is.GreaterThanOrEqualTo(1), "a histogram with data was checked");
    }

    [Test]
    public async Task The_grpc_port_does_not_serve_metrics_even_when_the_host_header_names_the_web_port()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var web = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        Assert.That((await web.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The gRPC port speaks HTTP/2 only: ask it in HTTP/2 cleartext, naming the web port in the :authority.
        using var grpcPort = new HttpClient
        {
            BaseAddress = new Uri(net.Url(0)),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var plain = await grpcPort.GetAsync("/metrics");
        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        spoofed.Headers.Host = new Uri(net.WebUrl(0)).Authority;
        using var answer = await grpcPort.SendAsync(spoofed);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await answer.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task With_web_metrics_false_there_is_no_metrics_page_and_the_json_api_still_answers()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true, metrics: false);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };

        Assert.That((await http.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await http.GetAsync("/v1/status")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static string Refused(string reason) => $"votechain_transactions_refused_total{{reason=\"{reason}\"}}";

    private static IEnumerable<string> RefusedSeries(Scrape scrape) =>
        scrape.Series.Where(s => s.StartsWith("votechain_transactions_refused_total", StringComparison.Ordinal));

    private static async Task SubmitAsync(VoteChainApi.VoteChainApiClient api, byte[] envelope) =>
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) });

    private static Task TallyHoldsAsync(VoteChainApi.VoteChainApiClient api, string election, Func<TallyRecord, bool> condition, string what) =>
        Eventually.HoldsAsync(async () =>
        {
            try
            {
                return condition((await api.GetTallyAsync(new GetTallyRequest { ElectionId = election })).Tally);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return false;
            }
        }, Patience, () => what);
}
