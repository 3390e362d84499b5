using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Limits;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>
/// The load benchmark: an election with N generated voters (registration timed apart), votes signed before the
/// clock starts, submitted in bulk to the given nodes, and each vote's commit seen on the block stream.
/// </summary>
internal sealed partial class BenchRunner
{
    private readonly IReadOnlyList<NodeClient> _nodes;
    private readonly ISigner _authority;
    private readonly TextWriter _progress;
    private string _chainId = "";

    public BenchRunner(IReadOnlyList<NodeClient> nodes, ISigner authority, TextWriter progress)
    {
        _nodes = nodes;
        _authority = authority;
        _progress = progress;
    }

    /// <param name="rate">Open loop: votes per second offered at fixed times; null for the closed-loop bulk run.</param>
    public async Task<BenchReport> RunAsync(int voters, int votes, int concurrency, int batchSize, bool secret, double? rate,
        CancellationToken cancellation)
    {
        var api = _nodes[0];
        var limit = MeasureLimit();
        var election = $"bench-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";

        var (seeds, publicKeys) = NewVoters(voters);
        await CreateElectionAsync(election, secret, cancellation).ConfigureAwait(false);
        GroupElement? jointKey = null;
        double? ballotVerifyMs = null;
        if (secret)
        {
            // Before any load, like the signature speed: what one core of this machine spends on one ballot's proofs.
            ballotVerifyMs = CryptoBench.MeasureBallot(ElGamalKeyPair.Generate().PublicKey, 2, 50).VerifyMs;
            _progress.WriteLine($"2-option ballot proofs on one core: {ballotVerifyMs:F2} ms to verify");
            var keyTime = Stopwatch.StartNew();
            jointKey = await SecretBench.WaitForKeyAsync(api, election, KeyTimeout, cancellation).ConfigureAwait(false);
            _progress.WriteLine($"trustees' joint key final after {keyTime.Elapsed.TotalSeconds:F1} s");
        }

        var registration = Stopwatch.StartNew();
        await RegisterAsync(election, publicKeys, cancellation).ConfigureAwait(false);
        registration.Stop();
        _progress.WriteLine($"registered {voters:N0} voters in {registration.Elapsed.TotalSeconds:F1} s");

        var envelopes = new byte[votes][];
        var encryption = Stopwatch.StartNew();
        Parallel.For(0, votes, i =>
        {
            if (jointKey is null)
            {
                envelopes[i] = SignVote(seeds[i], election, (uint)(i % 4), 1);
                return;
            }

            using var key = Ed25519KeyPair.FromSeed(seeds[i]);
            envelopes[i] = Sign(key, new TxPayload { CastEncryptedVote = SecretBench.Encrypt(_chainId, election, publicKeys[i], 1, jointKey, 2, i % 2) });
        });
        _progress.WriteLine(jointKey is null
            ? $"signed {votes:N0} votes; submitting"
            : $"encrypted and signed {votes:N0} votes in {encryption.Elapsed.TotalSeconds:F1} s; submitting");
        var run = await SubmitAndWatchAsync(envelopes, concurrency, batchSize, rate, cancellation).ConfigureAwait(false);
        var measured = limit.Apply(run.Report(election, _nodes.Count, voters, registration.Elapsed.TotalSeconds, limit.OneCore));
        var report = measured with
        {
            OfferedVotesPerSecond = rate,
            Secret = secret,
            BallotVerifyMsOneCore = ballotVerifyMs,
            // Every node verifies every ballot and, on this machine, they all share its cores: that is the ceiling.
            FractionOfBallotVerifyLimit = ballotVerifyMs is { } ms
                ? measured.CommittedVotesPerSecond * _nodes.Count * ms / 1000 / Environment.ProcessorCount
                : null,
        };
        return secret
            ? report with { ResultSecondsAfterLastShare = await TimeResultAsync(cancellation).ConfigureAwait(false), ResultWeight = ResultWeight }
            : report;
    }

    /// <summary>
    /// The chain id, and the limit the throughput is a fraction of: validators from the genesis, and the one-core Ed25519
    /// rate measured before any load, the better of libsodium and openssl, so a slow reading never flatters the fraction.
    /// </summary>
    private SignatureLimit MeasureLimit()
    {
        var api = _nodes[0];
        ReadChainId();
        var genesis = Protos.V1.Genesis.Parser.ParseFrom(api.Call(a => a.GetGenesisAsync(new GetGenesisRequest(), deadline: NodeClient.Deadline()), "genesis").Genesis);
        var limit = new SignatureLimit(genesis.Validators.Count, Environment.ProcessorCount,
            SignatureSpeed.VerificationsPerSecond(TimeSpan.FromSeconds(1)), OpensslSpeed.Ed25519VerificationsPerSecond());
        _progress.WriteLine($"ed25519 on one core: {limit.OneCore:N0} verifications/s (libsodium {limit.Libsodium:N0}, " +
            $"openssl {limit.Openssl?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "not available"})");
        return limit;
    }

    private void ReadChainId() =>
        _chainId = _nodes[0].Call(a => a.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status").ChainId;

    /// <summary>
    /// Voters are kept as seeds: a live key holds guarded native memory (several memory mappings each), and a hundred
    /// thousand of them would exhaust the process's mappings.
    /// </summary>
    private static (byte[][] Seeds, byte[][] PublicKeys) NewVoters(int count)
    {
        var seeds = new byte[count][];
        var publicKeys = new byte[count][];
        Parallel.For(0, count, i =>
        {
            seeds[i] = System.Security.Cryptography.RandomNumberGenerator.GetBytes(Ed25519KeyPair.SeedSize);
            using var key = Ed25519KeyPair.FromSeed(seeds[i]);
            publicKeys[i] = key.PublicKey;
        });
        return (seeds, publicKeys);
    }

    /// <summary>Trustees run phases of up to two minutes each by default: allow all three and some blocks.</summary>
    private static TimeSpan KeyTimeout => TimeSpan.FromSeconds(3 * SecretSettings.DefaultKeyPhaseSeconds + 60);

    /// <summary>Total weight of the election the result is timed on: the issue's target is 10^6.</summary>
    private const ulong ResultWeight = 1_000_000;

    /// <summary>
    /// A small secret election with a total weight of 10^6 (ten voters of weight 100,000, all voting yes), closing
    /// soon: the trustees decrypt it on their own, and the delay from the last decryption share to the result is timed.
    /// </summary>
    private async Task<double> TimeResultAsync(CancellationToken cancellation)
    {
        var api = _nodes[0];
        var election = $"bench-result-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        var keys = Enumerable.Range(0, 10).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            Submit([Sign(_authority, new TxPayload { CreateElection = SecretBench.ResultElection(election, SecretBench.ResultElectionOpenMs) })]);
            await UntilAsync(() => Tally(election) is not null, TimeSpan.FromSeconds(60), "the result election to commit", cancellation).ConfigureAwait(false);
            var weight = ResultWeight / (ulong)keys.Count;
            await RegisterAsync(election, [.. keys.Select(k => k.PublicKey)], cancellation, weight).ConfigureAwait(false);
            var key = await SecretBench.WaitForKeyAsync(api, election, TimeSpan.FromMilliseconds(SecretBench.ResultElectionOpenMs), cancellation)
                .ConfigureAwait(false);
            var from = api.Call(a => a.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status").Height + 1;
            Submit([.. keys.Select(k => Sign(k, new TxPayload { CastEncryptedVote = SecretBench.Encrypt(_chainId, election, k.PublicKey, weight, key, 2, 0) }))]);
            _progress.WriteLine($"result election {election}: {keys.Count} votes of weight {weight:N0} cast; waiting for the close and the trustees");
            return await SecretBench.ResultDelayAsync(api, election, from, TimeSpan.FromSeconds(120), cancellation).ConfigureAwait(false);
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    private async Task CreateElectionAsync(string election, bool secret, CancellationToken cancellation, bool allowRevote = false)
    {
        var now = DateTimeOffset.UtcNow;
        var create = new CreateElection
        {
            ElectionId = election,
            Title = "Load benchmark",
            OpensAtUnixMs = now.AddMinutes(-1).ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = now.AddHours(6).ToUnixTimeMilliseconds(),
            AllowRevote = allowRevote,
        };
        // Two options for secret ballots (the issue's target), four for open ones as before.
        create.Options.AddRange(secret ? ["a", "b"] : ["a", "b", "c", "d"]);
        create.Secret = secret ? new SecretBallotSettings() : null;
        Submit([Sign(_authority, new TxPayload { CreateElection = create })]);
        await UntilAsync(() => Tally(election) is not null, TimeSpan.FromSeconds(60), "the election to commit", cancellation).ConfigureAwait(false);
    }

    private async Task RegisterAsync(string election, byte[][] keys, CancellationToken cancellation, ulong weight = 1)
    {
        var batches = keys.Chunk(RuleContext.DefaultMaxVotersPerBatch).Select(chunk =>
        {
            var register = new RegisterVoters { ElectionId = election };
            register.Voters.AddRange(chunk.Select(k => new VoterEntry { Credential = ByteString.CopyFrom(k), Weight = weight }));
            return Sign(_authority, new TxPayload { RegisterVoters = register });
        }).ToList();

        // At most RegistrationWindow voters waiting at once: a node judges every waiting registration again after each
        // commit, so a million voters handed over at once would cost it a million lookups per block.
        var timeout = TimeSpan.FromSeconds(Math.Max(120, keys.Length / 1_000));
        var perBatch = RuleContext.DefaultMaxVotersPerBatch;
        for (var sent = 0; sent < batches.Count; sent += RegistrationWindow / perBatch)
        {
            var waitFor = (ulong)Math.Max(0, (sent * perBatch) - RegistrationWindow);
            await UntilAsync(() => Tally(election)?.Tally.RegisteredCredentials >= waitFor, timeout, "earlier registrations to commit", cancellation)
                .ConfigureAwait(false);
            Submit(batches.Skip(sent).Take(RegistrationWindow / perBatch).ToList());
        }

        await UntilAsync(() => Tally(election)?.Tally.RegisteredCredentials == (ulong)keys.Length, timeout,
            "the registrations to commit", cancellation).ConfigureAwait(false);
    }

    private async Task<BenchRun> SubmitAndWatchAsync(byte[][] envelopes, int concurrency, int batchSize, double? rate,
        CancellationToken cancellation)
    {
        var run = new BenchRun();
        var ids = envelopes.Select(e => Convert.ToHexStringLower(Hashing.Sha256(e))).ToArray();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var from = _nodes[0].Call(a => a.GetStatusAsync(new GetStatusRequest(), deadline: NodeClient.Deadline()), "status").Height + 1;
        var watcher = WatchBlocksAsync(from, run, watching.Token);
        if (rate is { } offered)
        {
            await new OpenLoopSender(_nodes, envelopes, ids, offered, run).SendAsync(cancellation).ConfigureAwait(false);
        }
        else
        {
            await SendClosedLoopAsync(envelopes, ids, concurrency, batchSize, run, cancellation).ConfigureAwait(false);
        }

        var deadline = TimeSpan.FromSeconds(Math.Max(120, envelopes.Length / 200));
        await UntilAsync(() => run.AllCommitted, deadline, "every vote to commit", cancellation).ConfigureAwait(false);
        await watching.CancelAsync().ConfigureAwait(false);
        try
        {
            await watcher.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            // The stream ends because the run is over.
        }

        return run;
    }

    private static readonly TimeSpan MempoolFullPause = TimeSpan.FromMilliseconds(250);

    /// <summary>Votes sent and not yet committed or refused, at most (the default mempool's size).</summary>
    private const int MaxWaiting = 100_000;

    /// <summary>A node saturated by the load answers late; the bench waits for it rather than give up its run.</summary>
    private static readonly TimeSpan LoadCallTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Registered voters the bench lets wait for a block at once (two windows are in flight).</summary>
    private const int RegistrationWindow = 50_000;

    /// <summary>A pool that stays full this long is not emptying: what it still refuses counts as refused.</summary>
    private static readonly TimeSpan MempoolFullGiveUp = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The bulk run: concurrent clients each send their next batch as soon as the last one was answered, and send
    /// again what a full mempool refused.
    /// </summary>
    private async Task SendClosedLoopAsync(byte[][] envelopes, string[] ids, int concurrency, int batchSize, BenchRun run,
        CancellationToken cancellation)
    {

        var batches = new ConcurrentQueue<int>(Enumerable.Range(0, (envelopes.Length + batchSize - 1) / batchSize));
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var node = _nodes[worker % _nodes.Count];
            while (batches.TryDequeue(out var batch))
            {
                // A client keeps no more votes waiting than a node's pool holds by default.
                while (run.Waiting >= MaxWaiting)
                {
                    await Task.Delay(MempoolFullPause, cancellation).ConfigureAwait(false);
                }

                var range = Enumerable.Range(batch * batchSize, Math.Min(batchSize, envelopes.Length - (batch * batchSize))).ToList();
                run.Submitted(range.Select(i => ids[i]));
                var since = Stopwatch.StartNew();
                while (range.Count > 0)
                {
                    var request = new SubmitBatchRequest { Envelopes = { range.Select(i => ByteString.CopyFrom(envelopes[i])) } };
                    var response = await SubmitWithinRateAsync(node, request, cancellation).ConfigureAwait(false);
                    var full = new List<int>();
                    for (var i = 0; i < range.Count; i++)
                    {
                        if (response.Results[i].Code == RejectCode.MempoolFull && since.Elapsed < MempoolFullGiveUp)
                        {
                            full.Add(range[i]);
                        }
                        else if (response.Results[i].Code != RejectCode.Unspecified)
                        {
                            run.Refused(ids[range[i]]);
                        }
                    }

                    // A full pool empties as blocks commit: a client sending more than a pool holds (a million votes
                    // against 100,000 places) sends those again, and their wait counts in their latency.
                    range = full;
                    if (range.Count > 0)
                    {
                        await Task.Delay(MempoolFullPause, cancellation).ConfigureAwait(false);
                    }
                }
            }
        }, cancellation)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>
    /// Submits a batch, waiting and trying again while the node refuses it for the submit rate of this client's address
    /// (limits.submit_rate_per_second): a benchmark from one address is exactly what that limit slows down.
    /// </summary>
    internal static async Task<SubmitBatchResponse> SubmitWithinRateAsync(NodeClient node, SubmitBatchRequest request,
        CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                return await node.Api.SubmitBatchAsync(request, deadline: DateTime.UtcNow + LoadCallTimeout, cancellationToken: cancellation)
                    .ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted
                && int.TryParse(e.Trailers.GetValue(SubmitRateLimiter.RetryAfterTrailer), out var waitMs))
            {
                // The node's word on when to come back, within reason.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(waitMs, 10, 5_000)), cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Follows committed blocks and timestamps each benchmark vote as its block arrives.</summary>
    private async Task WatchBlocksAsync(ulong from, BenchRun run, CancellationToken cancellation)
    {
        using var stream = _nodes[0].Api.StreamBlocks(new StreamBlocksRequest { FromHeight = from }, cancellationToken: cancellation);
        while (await stream.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            var block = BlockCodec.Parse(stream.ResponseStream.Current.Block.Span).Value
                ?? throw new InvalidOperationException("The node streamed a block that does not parse.");
            run.Committed(block.Block.Transactions.Select(t => Convert.ToHexStringLower(Hashing.Sha256(t.Span))));
        }
    }

    private TallyResponse? Tally(string election)
    {
        try
        {
            return _nodes[0].Api.GetTally(new GetTallyRequest { ElectionId = election }, deadline: NodeClient.Deadline());
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.DeadlineExceeded)
        {
            // Not there yet, or the node too busy to say: asked again at the next poll, within the wait's own bound.
            return null;
        }
    }

    /// <summary>What one setup request carries at most: well under a node's default batch bound (4 MiB).</summary>
    private const int SetupRequestBytes = 2 * 1024 * 1024;

    /// <summary>Setup transactions (the election, registrations of 5,000 voters each), in requests of at most 2 MiB.</summary>
    private void Submit(IReadOnlyList<byte[]> envelopes)
    {
        var request = new SubmitBatchRequest();
        var bytes = 0;
        foreach (var envelope in envelopes)
        {
            if (request.Envelopes.Count > 0 && bytes + envelope.Length > SetupRequestBytes)
            {
                SubmitSetup(request);
                request = new SubmitBatchRequest();
                bytes = 0;
            }

            request.Envelopes.Add(ByteString.CopyFrom(envelope));
            bytes += envelope.Length;
        }

        SubmitSetup(request);
    }

    private void SubmitSetup(SubmitBatchRequest request)
    {
        var response = _nodes[0].Call(a => a.SubmitBatchAsync(request, deadline: DateTime.UtcNow + LoadCallTimeout), "submission");
        if (response.Results.FirstOrDefault(r => r.Code != RejectCode.Unspecified) is { } refused)
        {
            throw new UserInputException($"the node refused a setup transaction: {refused.CodeName}: {refused.Message}");
        }
    }

    private byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = _chainId;
        return TxSigning.Sign(signer, payload);
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            }

            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
    }
}
