using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Operator;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>
/// `votechain bench issuer`: how many credentials one issuer serves per second, end to end. An anonymous election with
/// a roll of generated voters on a running network; one issuer service in this process; voters' clients (also here,
/// <paramref name="concurrency"/> at a time) requesting credentials as `credential request` does: weight key, blinding,
/// signed request, the poll book entry committed, the blind signature, unblinding. Then, once registering opens, every
/// credential registered through the node, timed until the last commits.
/// </summary>
internal sealed class IssuerBench(NodeSession node, Ed25519KeyPair authority, TextWriter progress)
{
    public async Task<IssuerBenchReport> RunAsync(int voters, int concurrency, TimeSpan issuing, CancellationToken cancellation)
    {
        var work = Directory.CreateTempSubdirectory("votechain-issuer-bench-");
        try
        {
            using var issuerKey = Ed25519KeyPair.Generate();
            var identities = Enumerable.Range(0, voters).Select(_ => Ed25519KeyPair.Generate()).ToList();
            var election = $"issuer-bench-{Guid.NewGuid():N}"[..24];
            var opensAt = DateTimeOffset.UtcNow + issuing;
            Create(election, issuerKey.PublicKey, opensAt);
            Register(election, identities);
            progress.WriteLine($"election {election}: roll of {voters} registered; issuing until {opensAt:HH:mm:ss}");

            using var desk = new IssuerDesk(issuerKey, node, new IssuerLog(Path.Combine(work.FullName, "issuer.log")));
            await using var server = new IssuerServer(desk, new IPEndPoint(IPAddress.Loopback, 0), _ => { });
            await server.StartAsync().ConfigureAwait(false);

            // The weight's key is derived on first use, once: timed apart, so the rate is the steady one.
            var derive = Stopwatch.StartNew();
            desk.WeightKey(new WeightKeyRequest(election, HexInput(identities[0].PublicKey)));
            var deriveSeconds = derive.Elapsed.TotalSeconds;

            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var latencies = new double[voters];
            using var gate = new SemaphoreSlim(concurrency);

            // The clients block threads too (each waits for its issuer's answer): give them threads up front.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 2 * concurrency + 80), io);
            var requester = new CredentialRequester(node, TextWriter.Null);
            var credentials = await Task.WhenAll(identities.Select(async (identity, i) =>
            {
                await gate.WaitAsync(cancellation).ConfigureAwait(false);
                try
                {
                    var started = clock.Elapsed;
                    var file = await Task.Run(() => requester.Request(identity, election, [server.Url],
                        Path.Combine(work.FullName, $"credential-{i}.json")), cancellation).ConfigureAwait(false);
                    latencies[i] = (clock.Elapsed - started).TotalMilliseconds;
                    return file;
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
            var serveSeconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            progress.WriteLine($"served {voters} credentials in {serveSeconds:F1} s");

            var wait = opensAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2);
            if (wait > TimeSpan.Zero)
            {
                progress.WriteLine($"waiting {wait.TotalSeconds:F0} s for registering to open");
                await Task.Delay(wait, cancellation).ConfigureAwait(false);
            }

            clock.Restart();
            RegisterCredentials(election, credentials, work.FullName);
            await WaitRegisteredAsync(election, voters, cancellation).ConfigureAwait(false);
            var registerSeconds = clock.Elapsed.TotalSeconds;

            Array.Sort(latencies);
            return new IssuerBenchReport(voters, concurrency, deriveSeconds, serveSeconds, voters / serveSeconds,
                BenchRun.Percentile(latencies, 0.50), BenchRun.Percentile(latencies, 0.95), 1000 * cpuSeconds / voters,
                registerSeconds, voters / registerSeconds, Environment.ProcessorCount);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private void Create(string election, byte[] issuer, DateTimeOffset opensAt)
    {
        var create = new CreateElection
        {
            ElectionId = election,
            Title = "Issuer benchmark",
            Options = { "yes", "no" },
            OpensAtUnixMs = opensAt.ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = opensAt.AddHours(1).ToUnixTimeMilliseconds(),
            Anonymous = new AnonymousSettings { Issuers = { ByteString.CopyFrom(issuer) } },
        };
        node.Submit(authority, new TxPayload { CreateElection = create }, "election");
        Polling.Until(() => node.FindElection(election), $"election '{election}' to commit");
    }

    private void Register(string election, List<Ed25519KeyPair> identities)
    {
        foreach (var chunk in identities.Chunk(Consensus.Rules.RuleContext.DefaultMaxVotersPerBatch))
        {
            var register = new RegisterVoters { ElectionId = election };
            register.Voters.AddRange(chunk.Select(k => new VoterEntry { Credential = ByteString.CopyFrom(k.PublicKey), Weight = 1 }));
            node.Submit(authority, new TxPayload { RegisterVoters = register }, "roll");
        }

        Polling.Until(() => node.Voter(election, identities[^1].PublicKey).Credential, "the roll to commit");
    }

    /// <summary>Every credential's registration, signed by the credential, in SubmitBatch calls of 500.</summary>
    private void RegisterCredentials(string election, CredentialFile[] credentials, string folder)
    {
        var envelopes = credentials.Select((file, i) =>
        {
            using var key = file.Key(Path.Combine(folder, $"credential-{i}.json"));
            var register = new RegisterAnonymousCredential { ElectionId = election, Weight = file.Content.Weight };
            register.Signatures.AddRange(file.Content.Issuers.Select(p => new IssuerSignature
            {
                Prefix = ByteString.CopyFrom(Convert.FromHexString(p.Prefix)),
                Signature = ByteString.CopyFrom(Convert.FromHexString(p.Signature!)),
            }));
            return ByteString.CopyFrom(node.Sign(key, new TxPayload { RegisterAnonymous = register }));
        }).ToList();
        foreach (var chunk in envelopes.Chunk(500))
        {
            var answer = node.Client.Call(api => api.SubmitBatchAsync(new SubmitBatchRequest { Envelopes = { chunk } },
                deadline: Cli.Client.NodeClient.Deadline()), "registrations");
            if (answer.Accepted != chunk.Length)
            {
                var refused = answer.Results.First(r => r.Code != RejectCode.Unspecified);
                throw new UserInputException($"{chunk.Length - answer.Accepted} registrations refused, e.g. {refused.CodeName}: {refused.Message}");
            }
        }
    }

    private async Task WaitRegisteredAsync(string election, int voters, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (node.Issuance(election, 1).Issuance?.Registered != (ulong)voters)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException("timed out waiting for the anonymous registrations to commit");
            }

            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }
    }

    private static string HexInput(byte[] key) => Files.HexInput.Format(key);
}

/// <summary>What `votechain bench issuer` measured. Field names are the --json output (snake_case).</summary>
internal sealed record IssuerBenchReport(int Voters, int Concurrency, double DeriveKeySeconds, double ServeSeconds,
    double CredentialsPerSecond, double LatencyP50Ms, double LatencyP95Ms, double CpuMsPerCredential, double RegisterSeconds,
    double RegistrationsPerSecond, int Cores)
{
    public IEnumerable<string> Lines()
    {
        yield return $"credentials served      {Voters} by one issuer, {Concurrency} clients at a time";
        yield return $"weight key derivation   {DeriveKeySeconds:F2} s (once per weight, before the clock)";
        yield return $"serving                 {ServeSeconds:F1} s = {CredentialsPerSecond:F1} credentials/s";
        yield return $"latency per credential  p50 {LatencyP50Ms:F0} ms, p95 {LatencyP95Ms:F0} ms (request to unblinded signature)";
        yield return $"cpu in this process     {CpuMsPerCredential:F1} ms per credential (issuer and clients together; {Cores} cores)";
        yield return $"registering             {RegisterSeconds:F1} s = {RegistrationsPerSecond:F1} registrations/s committed";
    }
}
