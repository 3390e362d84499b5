using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.BlackBox;

/// <summary>
/// An anonymous election walked end to end, every step a separate `votechain` process against a real devnet and two
/// issuer services: the authority registers the roll, voters get credentials from both issuers at once, register them
/// through another node after issuing closes, and vote; a second request, a stranger, an early and a forged
/// registration and a roll entry's vote are refused. Then the authority's and issuers' obvious joins (shared bytes,
/// sizes, timing) are tried on the issuers' logs and the whole chain, and link nothing.
/// </summary>
public sealed partial class AnonymousDevnetWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(120);

    [Test]
    public async Task Voters_get_credentials_no_one_can_link_to_them_register_and_vote()
    {
        var root = Path.Combine(Path.GetTempPath(), "votechain-anon-walk-" + Guid.NewGuid().ToString("N")[..8]);
        var basePort = LoopbackPorts.FreeRange(5);
        var node = $"http://127.0.0.1:{basePort}";
        var observer = $"http://127.0.0.1:{basePort + 4}";
        var dir = Path.Combine(root, "devnet");
        var starting = Stopwatch.StartNew();
        await using (var devnet = ServiceProcess.Devnet(dir, basePort))
        {
            await devnet.WaitUntilRunningAsync(Step, "the devnet to start");
            var started = starting.Elapsed;
            var authority = Path.Combine(dir, "authority.json");
            var genesis = Path.Combine(dir, "genesis.json");

            string[] issuerKeys = [Path.Combine(root, "issuer1.key"), Path.Combine(root, "issuer2.key")];
            foreach (var key in issuerKeys)
            {
                await Ok("issuer", "init", "--out", key);
            }

            // Four voters, and a fifth who will ask one issuer only.
            await Ok("voters", "generate", "--count", "5", "--out", Path.Combine(root, "voters"));
            var voters = Enumerable.Range(1, 5).Select(i => Path.Combine(root, "voters", $"voter-{i:00000}.json")).ToArray();
            ulong[] weights = [1, 1, 1, 5, 1];
            var identities = new List<string>();
            foreach (var voter in voters)
            {
                identities.Add((await Ok("keys", "show", "--key", voter)).Trim());
            }

            var roll = Path.Combine(root, "roll.csv");
            await File.WriteAllLinesAsync(roll, identities.Select((k, i) => $"{k},{weights[i]}"));

            string[] logs = [Path.Combine(root, "issuer1.log"), Path.Combine(root, "issuer2.log")];
            // The issuers serve any election naming them: they start before it is made, outside its issuing window.
            // Issuer 1 signs only on a receipt the genesis validators certified; issuer 2 takes its node's word.
            await using var issuer1 = Issuer(issuerKeys[0], node, logs[0], "--serve-timeout", "20", "--genesis", genesis);
            await using var issuer2 = Issuer(issuerKeys[1], $"http://127.0.0.1:{basePort + 1}", logs[1]);
            var urls = new[] { await UrlOf(issuer1), await UrlOf(issuer2) };

            // Issuing runs until the opening; registering opens with it. The steps before it are mostly the issuers'
            // RSA key derivations (two weights each, seconds of a core apiece): about 5.5 times what starting the devnet
            // took on an unloaded 2-core machine (36 s after a 6.5 s start), about 4 times on a busy one. Eight times the
            // start, at least 40 s; the refusal of an early registration below fails should it ever be too short.
            var window = Math.Max(40, (int)Math.Ceiling(8 * started.TotalSeconds));
            await Ok("election", "create", "--node", node, "--key", authority, "--id", "anon-walk", "--title", "Anonymous walk",
                "--option", "yes", "--option", "no", "--opens-at", $"+{window}s", "--closes-at", "+10m", "--anonymous",
                "--issuer", issuerKeys[0] + ".pub", "--issuer", issuerKeys[1] + ".pub", "--wait");
            await Ok("voters", "register", "--node", node, "--key", authority, "--election", "anon-walk", "--file", roll, "--wait");
            var shown = JsonDocument.Parse(await Ok("election", "show", "--node", node, "--id", "anon-walk", "--json")).RootElement;
            Assert.That(shown.GetProperty("anonymous").GetProperty("issuers").GetArrayLength(), Is.EqualTo(2), shown.ToString());
            Assert.That(shown.GetProperty("anonymous").GetProperty("registration_opens_at").GetString(),
                Is.EqualTo(shown.GetProperty("opens_at").GetString()), "registering opens when issuing closes: at the opening");

            await HostileRequestsAreRefused(urls[0]);
            string[] RequestArgs(string identity, string output) =>
                ["credential", "request", "--node", node, "--identity", identity, "--election", "anon-walk",
                    "--issuer", urls[0], "--issuer", urls[1], "--out", output];

            var credentials = voters[..4].Select((_, i) => Path.Combine(root, $"credential-{i + 1}.json")).ToArray();
            var partial = AskOneIssuer(urls[0], voters[4]);
            await Task.WhenAll(voters[..4].Select((voter, i) => Ok(RequestArgs(voter, credentials[i]))));

            // An issuer signs only once every issuer has served the entry: else an entry one issuer served off the books
            // could register uncounted, in the place of a voter every issuer served.
            var (status, answer) = await partial;
            Assert.That(status, Is.EqualTo(504), answer);
            Assert.That(answer, Does.Contain("WAITING_FOR_ISSUERS").And.Not.Contain("blind_signature"));

            var again = await Fails(RequestArgs(voters[0], Path.Combine(root, "again.json")));
            Assert.That(again, Does.Contain("ALREADY_SERVED"));
            var stranger = Path.Combine(root, "stranger.json");
            await Ok("keys", "generate", "--out", stranger);
            Assert.That(await Fails(RequestArgs(stranger, Path.Combine(root, "stranger-credential.json"))), Does.Contain("not on the roll"));

            Assert.That(await Fails("credential", "register", "--node", observer, "--credential", credentials[0], "--election", "anon-walk"),
                Does.Contain("nothing was sent"), "registering waits for issuing to close, and the client does not show the credential early "
                + $"(or the {window} s window was too short for the steps on this machine)");

            // A forged copy: one issuer signature altered.
            var forged = Path.Combine(root, "forged.json");
            var text = await File.ReadAllTextAsync(credentials[1]);
            var signature = JsonDocument.Parse(text).RootElement.GetProperty("issuers")[0].GetProperty("signature").GetString()!;
            var altered = (signature[0] == 'a' ? "b" : "a") + signature[1..];
            await File.WriteAllTextAsync(forged, text.Replace(signature, altered, StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(forged, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            // Registering opens at the opening; the voters register through the observer, in another order than they were served.
            await Eventually.HoldsAsync(async () => (await CliProcess.RunAsync(Step, "credential", "register", "--node", observer,
                "--credential", credentials[2], "--election", "anon-walk", "--wait")).ExitCode == 0, TimeSpan.FromSeconds(150),
                () => "registering to open");
            Assert.That(await Fails("credential", "register", "--node", observer, "--credential", forged, "--election", "anon-walk"),
                Does.Contain("BAD_PROOF"));
            foreach (var i in new[] { 0, 3, 1 })
            {
                var registered = await Ok("credential", "register", "--node", observer, "--credential", credentials[i], "--election", "anon-walk", "--wait");
                Assert.That(registered, Does.Contain(i == 3 ? "anonymity set: 1 voter(s) of weight 5" : "anonymity set: 3 voter(s) of weight 1"));
            }

            Assert.That(await Fails("vote", "--node", node, "--key", voters[0], "--election", "anon-walk", "--option", "yes"),
                Does.Contain("ROLL_ONLY"));
            for (var i = 0; i < 4; i++)
            {
                await Ok("vote", "--node", node, "--key", credentials[i], "--election", "anon-walk", "--option", i == 3 ? "no" : "yes", "--wait");
            }

            // The votes waited for the validator they were sent to; the observer may be a block behind.
            await Eventually.HoldsAsync(async () => JsonDocument.Parse(await Ok("tally", "--node", observer, "--election", "anon-walk", "--json"))
                .RootElement.GetProperty("counted_ballots").GetInt64() == 4, Step, () => "the four votes at the observer");
            var tally = JsonDocument.Parse(await Ok("tally", "--node", observer, "--election", "anon-walk", "--json")).RootElement;
            Assert.That(tally.GetProperty("options")[0].GetProperty("weight").GetUInt64(), Is.EqualTo(3), tally.ToString());
            Assert.That(tally.GetProperty("options")[1].GetProperty("weight").GetUInt64(), Is.EqualTo(5), tally.ToString());
            var audit = await Ok("audit", "--node", observer, "--genesis", genesis, "--json");
            Assert.That(JsonDocument.Parse(audit).RootElement.GetProperty("ok").GetBoolean(), Is.True, audit);

            await TryTheJoins(observer, logs, identities, weights);
            Assert.That(await devnet.StopAsync(TimeSpan.FromSeconds(60)), Is.Zero, devnet.Output);
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>The issuers' logs and the chain, joined every obvious way: nothing but the weight narrows a credential down.</summary>
    private static async Task TryTheJoins(string observer, string[] logs, List<string> identities, ulong[] weights)
    {
        using var channel = GrpcChannel.ForAddress(observer);
        var api = new VoteChainApi.VoteChainApiClient(channel);
        var height = (await api.GetStatusAsync(new GetStatusRequest())).Height;
        var pollBook = new List<(ulong, CredentialServed)>();
        var registrations = new List<(ulong, byte[], RegisterAnonymousCredential)>();
        for (var h = 1UL; h <= height; h++)
        {
            var block = Block.Parser.ParseFrom((await api.GetBlockAsync(new GetBlockRequest { Height = h })).Block);
            foreach (var bytes in block.Transactions)
            {
                var payload = TxPayload.Parser.ParseFrom(TxEnvelope.Parser.ParseFrom(bytes).Payload);
                if (payload.KindCase == TxPayload.KindOneofCase.CredentialServed)
                {
                    pollBook.Add((h, payload.CredentialServed));
                }
                else if (payload.KindCase == TxPayload.KindOneofCase.RegisterAnonymous)
                {
                    registrations.Add((h, bytes.ToByteArray(), payload.RegisterAnonymous));
                }
            }
        }

        Assert.That(pollBook, Has.Count.EqualTo(9), "two issuers served four roll entries, and one issuer the fifth");
        Assert.That(registrations, Has.Count.EqualTo(4));
        var logLines = logs.SelectMany(File.ReadAllLines).ToList();
        Assert.That(logLines, Has.Count.EqualTo(8), "an issuer logs what it signed: " + string.Join("\n", logLines));
        foreach (var (_, envelope, _) in registrations)
        {
            var hex = Convert.ToHexStringLower(envelope);
            foreach (var identity in identities)
            {
                Assert.That(hex, Does.Not.Contain(identity), "a registration names no identity");
            }

            foreach (var line in logLines)
            {
                var requestHash = JsonDocument.Parse(line).RootElement.GetProperty("request_hash").GetString()!;
                Assert.That(hex, Does.Not.Contain(requestHash), "nor a request the issuer logged");
            }
        }

        var weightOf = identities.Select((k, i) => (k, weights[i])).ToDictionary(p => p.k, p => p.Item2);
        var joins = new AnonymityJoins(pollBook, registrations, weightOf);
        Assert.That(joins.SharedBytes(), Is.Empty);
        Assert.That(joins.SizesByWeight().Values.Select(s => s.Length), Is.All.EqualTo(1), "one size per weight");
        Assert.That(registrations.Min(r => r.Item1), Is.GreaterThan(pollBook.Max(p => p.Item1)), "every registration after all issuing");
        // The first registration of each weight could be any voter of that weight; the later ones narrow nothing down.
        Assert.That(joins.CandidatesByTime(), Is.EquivalentTo(new[] { (1UL, 3), (1UL, 0), (1UL, 0), (5UL, 1) }));
    }

    private static ServiceProcess Issuer(string key, string node, string log, params string[] more) =>
        new(["issuer", "serve", "--key", key, "--node", node, "--listen", "127.0.0.1:0", "--log", log, .. more]);

    /// <summary>
    /// What any client may send an issuer: an oversized body, broken JSON, unknown fields, a stranger's request. Each
    /// is refused with a code (or the connection closed before the body is taken), nothing is signed, and the issuer
    /// serves on (the walk's voters are served after this).
    /// </summary>
    private static async Task HostileRequestsAreRefused(string issuer)
    {
        using var http = new HttpClient { BaseAddress = new Uri(issuer + "/"), Timeout = TimeSpan.FromSeconds(60) };
        using var huge = new StringContent("{\"election_id\":\"" + new string('a', 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json");
        try
        {
            using var answer = await http.PostAsync("v1/issuer/sign", huge);
            Assert.That((int)answer.StatusCode, Is.InRange(400, 499));
        }
        catch (HttpRequestException)
        {
            // Closed while sending: refused before it was read.
        }

        async Task<(int Status, string Body)> Post(string path, string json)
        {
            using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            using var answer = await http.PostAsync(path, content);
            return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
        }

        var broken = await Post("v1/issuer/sign", "{ not json");
        Assert.That(broken.Status, Is.EqualTo(400), broken.Body);
        Assert.That(broken.Body, Does.Contain("BAD_REQUEST"));
        var unknown = await Post("v1/issuer/key", "{\"election_id\":\"anon-walk\",\"identity\":\"00\",\"extra\":1}");
        Assert.That(unknown.Status, Is.EqualTo(400), unknown.Body);
        var stranger = await Post("v1/issuer/sign", JsonSerializer.Serialize(new
        {
            election_id = "anon-walk",
            identity = new string('1', 64),
            blinded_message = new string('2', 768),
            request_signature = new string('3', 128),
        }));
        Assert.That(stranger.Status, Is.EqualTo(404), stranger.Body);
        Assert.That(stranger.Body, Does.Contain("NOT_REGISTERED").And.Not.Contain("blind_signature"));
    }

    /// <summary>A roll entry's well-formed request to one issuer, sent as any HTTP client can: its status and body.</summary>
    private static async Task<(int Status, string Body)> AskOneIssuer(string issuer, string identityFile)
    {
        using var http = new HttpClient { BaseAddress = new Uri(issuer + "/"), Timeout = TimeSpan.FromSeconds(90) };
        using var identity = Node.Keys.KeyFile.Load(identityFile);
        var info = JsonDocument.Parse(await http.GetStringAsync("v1/issuer")).RootElement;
        var identityHex = Convert.ToHexStringLower(identity.PublicKey);
        using var keyAnswer = await http.PostAsJsonAsync("v1/issuer/key", new { election_id = "anon-walk", identity = identityHex });
        var weightKey = Convert.FromHexString(JsonDocument.Parse(await keyAnswer.Content.ReadAsStringAsync()).RootElement
            .GetProperty("weight_key").GetString()!);
        var blinded = Node.Anonymous.BlindRsa.Blind(weightKey, Node.Anonymous.BlindRsa.Prepare("any message"u8)).Value;
        var request = Consensus.Anonymous.AnonymousSigning.Request(info.GetProperty("chain_id").GetString()!, "anon-walk",
            Convert.FromHexString(info.GetProperty("issuer_key").GetString()!), weightKey, Consensus.Crypto.Hashing.Sha256(blinded));
        using var answer = await http.PostAsJsonAsync("v1/issuer/sign", new
        {
            election_id = "anon-walk",
            identity = identityHex,
            blinded_message = Convert.ToHexStringLower(blinded),
            request_signature = Convert.ToHexStringLower(identity.Sign(request)),
        });
        return ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    private static async Task<string> UrlOf(ServiceProcess issuer)
    {
        string? url = null;
        await Eventually.HoldsAsync(() =>
        {
            url = ListeningLine().Match(issuer.Output) is { Success: true } match ? match.Groups[1].Value : null;
            return Task.FromResult(url is not null || issuer.HasExited);
        }, Step, () => "the issuer to listen");
        Assert.That(url, Is.Not.Null, issuer.Output);
        return url!;
    }

    private static Task<string> Ok(params string[] args) => CliProcess.OkAsync(Step, args);

    private static Task<string> Fails(params string[] args) => CliProcess.FailsAsync(Step, args);

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
