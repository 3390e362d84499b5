using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>
/// The JSON API on a node's web endpoint, with a plain HTTP/1.1 client (no gRPC): status, a transaction posted as JSON
/// and refused with the rule's code, elections, tally, block and receipt reads, bad paths and an oversized body. The
/// gRPC API on the node's own port keeps working beside it.
/// </summary>
public sealed class JsonApiTests
{
    [Test]
    public async Task A_voter_and_a_script_use_the_json_api_over_plain_http()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)), DefaultRequestVersion = HttpVersion.Version11 };

        var status = await Json(await http.GetAsync("/v1/status"));
        Assert.That(status.GetProperty("chainId").GetString(), Is.EqualTo(TestNetwork.ChainId));

        using var voter = Ed25519KeyPair.Generate();
        await Post(http, Payloads.CreateElection(net.Authority, "json"));
        await Eventually.HoldsAsync(async () => (await http.GetAsync("/v1/elections/json")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), () => "the election to commit");
        await Post(http, Payloads.Register(net.Authority, "json", [voter.PublicKey]));
        await Eventually.HoldsAsync(async () => (await Json(await http.GetAsync("/v1/elections/json/tally")))
            .GetProperty("tally").GetProperty("registeredCredentials").GetUInt64() == 1, TimeSpan.FromSeconds(30), () => "the registration");
        var vote = Payloads.Vote(voter, "json", 2);
        var txId = (await Post(http, vote)).GetProperty("txId").GetString()!;

        // The same vote again: refused with the rule's code in a google.rpc.ErrorInfo, as over gRPC.
        using var again = await http.PostAsJsonAsync("/v1/transactions", new { envelope = Convert.ToBase64String(vote) });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await Json(again)).GetProperty("details")[0].GetProperty("reason").GetString(), Is.AnyOf("DUPLICATE_TRANSACTION", "ALREADY_VOTED"));

        await Eventually.HoldsAsync(async () => (await Json(await http.GetAsync("/v1/elections/json/tally")))
            .GetProperty("tally").GetProperty("optionWeights")[2].GetUInt64() == 1, TimeSpan.FromSeconds(30), () => "the vote in the tally");
        var elections = await Json(await http.GetAsync("/v1/elections"));
        Assert.That(elections.GetProperty("elections").EnumerateArray().Select(e => e.GetProperty("definition").GetProperty("electionId").GetString()),
            Does.Contain("json"));

        var hex = Convert.ToHexStringLower(Convert.FromBase64String(txId));
        var receipt = await Json(await http.GetAsync($"/v1/receipts/{hex}"));
        Assert.That(receipt.GetProperty("txId").GetString(), Is.EqualTo(txId));
        var block = await Json(await http.GetAsync($"/v1/blocks/{receipt.GetProperty("height").GetUInt64()}"));
        Assert.That(block.GetProperty("blockHash").GetString(), Is.Not.Empty);

        var byHash = Convert.ToHexStringLower(Convert.FromBase64String(block.GetProperty("blockHash").GetString()!));
        Assert.That((await Json(await http.GetAsync($"/v1/blocks/hash/{byHash}"))).GetProperty("block").GetString(),
            Is.EqualTo(block.GetProperty("block").GetString()));
        Assert.That((await http.GetAsync($"/v1/blocks/hash/{new string('0', 64)}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await http.GetAsync($"/v1/blocks/hash/{new string('z', 64)}")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await http.GetAsync($"/v1/blocks/hash/{new string('0', 4096)}")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await http.GetAsync($"/v1/elections/{new string('e', 65)}/secret")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        // The genesis as the bytes its hash covers: what the vote page checks receipts against.
        var genesis = await Json(await http.GetAsync("/v1/genesis"));
        var genesisBytes = Convert.FromBase64String(genesis.GetProperty("genesis").GetString()!);
        Assert.That(Convert.FromBase64String(genesis.GetProperty("genesisHash").GetString()!), Is.EqualTo(Hashing.Sha256(genesisBytes)));
        Assert.That(Convert.FromBase64String(genesis.GetProperty("genesisHash").GetString()!),
            Is.EqualTo(Convert.FromBase64String(status.GetProperty("genesisHash").GetString()!)));
        Assert.That(Genesis.Parser.ParseFrom(genesisBytes).ChainId, Is.EqualTo(TestNetwork.ChainId));

        // A tally proven over JSON, read back into the message, checks against that genesis alone.
        var provenJson = await (await http.GetAsync("/v1/elections/json/tally?prove=true")).Content.ReadAsStringAsync();
        var proven = Google.Protobuf.JsonParser.Default.Parse<TallyResponse>(provenJson);
        var trusted = Genesis.Parser.ParseFrom(genesisBytes);
        var checkedTally = new Networking.Api.TallyProofVerifier(Consensus.Pbft.ValidatorSet.From(trusted), trusted.ChainId)
            .Verify(proven.Proof, out var problem);
        Assert.That(checkedTally?.Tally, Is.EqualTo(proven.Tally), problem);

        // The voter's own record by hex key: registered, and the counted ballot's sequence for a revote.
        var record = await Json(await http.GetAsync($"/v1/elections/json/voters/{Convert.ToHexStringLower(voter.PublicKey)}"));
        Assert.That(record.GetProperty("ballot").GetProperty("sequence").GetUInt64(), Is.EqualTo(1));
        using var stranger = Ed25519KeyPair.Generate();
        var none = await Json(await http.GetAsync($"/v1/elections/json/voters/{Convert.ToHexStringLower(stranger.PublicKey)}"));
        Assert.That(none.TryGetProperty("credential", out _), Is.False);
        Assert.That((await http.GetAsync("/v1/elections/json/voters/abc")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        Assert.That((await http.GetAsync("/v1/elections/nope")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await http.GetAsync("/v1/receipts/xyz")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        // The OpenAPI description names exactly the routes the service definitions map.
        var described = (await Json(await http.GetAsync("/v1/openapi.json"))).GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(verb => $"{verb.Name.ToUpperInvariant()} {p.Name}"));
        var mapped = VoteChainApi.Descriptor.Methods.Select(m => m.GetOptions()?.GetExtension(Google.Api.AnnotationsExtensions.Http))
            .Where(rule => rule is not null)
            .SelectMany(rule => rule!.AdditionalBindings.Prepend(rule))
            .Select(rule => rule.PatternCase == Google.Api.HttpRule.PatternOneofCase.Get ? $"GET {rule.Get}" : $"POST {rule.Post}");
        Assert.That(described, Is.EquivalentTo(mapped));

        // gRPC still on the node's own port.
        Assert.That((await net.Api(0).GetStatusAsync(new GetStatusRequest())).ChainId, Is.EqualTo(TestNetwork.ChainId));
    }

    [Test]
    public async Task The_tally_stream_sends_a_json_line_now_and_another_when_a_vote_commits()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)), Timeout = TimeSpan.FromSeconds(60) };
        using var voter = Ed25519KeyPair.Generate();
        await Post(http, Payloads.CreateElection(net.Authority, "live"));
        await Post(http, Payloads.Register(net.Authority, "live", [voter.PublicKey]));
        await Eventually.HoldsAsync(async () => (await Json(await http.GetAsync("/v1/elections/live/tally")))
            .GetProperty("tally").GetProperty("registeredCredentials").GetUInt64() == 1, TimeSpan.FromSeconds(30), () => "the registration");

        using var stream = await http.GetAsync("/v1/elections/live/tally/stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = JsonDocument.Parse((await NextObject(reader, deadline.Token))!).RootElement;
        Assert.That(first.GetProperty("tally").GetProperty("countedBallots").GetUInt64(), Is.Zero);

        await Post(http, Payloads.Vote(voter, "live", 1));
        var next = JsonDocument.Parse((await NextObject(reader, deadline.Token))!).RootElement;
        Assert.That(next.GetProperty("tally").GetProperty("optionWeights")[1].GetUInt64(), Is.EqualTo(1));
        Assert.That(next.GetProperty("height").GetUInt64(), Is.GreaterThan(first.GetProperty("height").GetUInt64()));
    }

    /// <summary>The next JSON object of a streamed answer (objects may span lines or share one; braces are counted).</summary>
    private static async Task<string?> NextObject(StreamReader reader, CancellationToken cancellation)
    {
        var text = new System.Text.StringBuilder();
        var depth = 0;
        var inString = false;
        var escaped = false;
        var buffer = new char[1];
        while (await reader.ReadAsync(buffer.AsMemory(), cancellation) == 1)
        {
            var c = buffer[0];
            if (depth == 0 && c != '{')
            {
                continue;
            }

            text.Append(c);
            if (inString)
            {
                (escaped, inString) = (!escaped && c == '\\', inString && (escaped || c != '"'));
                continue;
            }

            inString = c == '"';
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0)
            {
                return text.ToString();
            }
        }

        return null;
    }

    [Test]
    public async Task The_openapi_description_is_on_the_web_port_only_whatever_the_host_header_says()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var grpcPort = new HttpClient
        {
            BaseAddress = new Uri(net.Url(0)),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/v1/openapi.json")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        spoofed.Headers.Host = new Uri(net.WebUrl(0)).Authority;
        using var answer = await grpcPort.SendAsync(spoofed);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var web = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        Assert.That((await web.GetAsync("/v1/openapi.json")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_body_larger_than_a_transaction_is_refused_before_it_is_read_and_the_node_serves_on()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };

        // The node answers as soon as the bound is passed and may close the connection while the client still sends:
        // either way the body is not taken, and the node serves on.
        using var content = new ByteArrayContent(new byte[4 * 1024 * 1024]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        try
        {
            using var answer = await http.PostAsync("/v1/transactions", content);
            Assert.That((int)answer.StatusCode, Is.InRange(400, 499));
            Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("too large"));
        }
        catch (HttpRequestException)
        {
            // Closed while sending: refused before it was read.
        }

        using var fresh = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };
        Assert.That((await fresh.GetAsync("/v1/status")).IsSuccessStatusCode, Is.True);
    }

    [Test]
    public async Task With_tls_the_web_port_speaks_http2_but_serves_no_grpc()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, tls: true, web: true);
        await net.StartAllAsync();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(net.WebUrl(0), new Grpc.Net.Client.GrpcChannelOptions
        {
            HttpHandler = net.TrustingTestCa(),
            DisposeHttpClient = true,
        });
        var onWebPort = new VoteChainApi.VoteChainApiClient(channel);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await onWebPort.GetStatusAsync(new GetStatusRequest()));
        Assert.That((await net.Api(0).GetStatusAsync(new GetStatusRequest())).ChainId, Is.EqualTo(TestNetwork.ChainId), "gRPC on its own port");
    }

    [Test]
    public async Task Past_the_submit_rate_a_json_client_gets_429_with_retry_after()
    {
        await using var net = TestNetwork.Create(validators: 1, observers: 0, web: true);
        await Limits.LimitedNode.WriteLimitsAsync(net, 0, new System.Text.Json.Nodes.JsonObject { ["submit_rate_per_second"] = 1, ["submit_burst"] = 2 });
        await net.StartAllAsync();
        using var http = new HttpClient { BaseAddress = new Uri(net.WebUrl(0)) };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await http.PostAsJsonAsync("/v1/transactions", new { envelope = Convert.ToBase64String("junk"u8.ToArray()) });
            statuses.Add(last.StatusCode);
        }

        using (last)
        {
            Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
            Assert.That(last!.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)), "one token a second");
        }
    }

    private static async Task<JsonElement> Post(HttpClient http, byte[] envelope)
    {
        using var answer = await http.PostAsJsonAsync("/v1/transactions", new { envelope = Convert.ToBase64String(envelope) });
        return await Json(answer);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
