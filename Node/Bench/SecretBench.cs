using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Secret;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>
/// The secret-ballot parts of `votechain bench --secret`: waiting for the trustees' joint key, encrypting the votes
/// before the clock starts, and timing a result from the last decryption share to the published result.
/// </summary>
internal static class SecretBench
{
    /// <summary>Key phase of the small election the result is timed on: short, so it can close soon after its key.</summary>
    private const uint ResultKeyPhaseSeconds = 4;

    /// <summary>Polls the node until the election's joint key is final; refuses a failed key generation.</summary>
    public static async Task<GroupElement> WaitForKeyAsync(NodeClient node, string election, TimeSpan timeout,
        CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var secret = await TryGetAsync(node, election, cancellation).ConfigureAwait(false);
            if (secret?.KeyPhase == "failed")
            {
                throw new UserInputException($"key generation of election '{election}' failed; are the trustees (validators) running?");
            }

            if (secret?.KeyPhase == "final" && GroupElement.TryParse(secret.JointKey.Span, out var key))
            {
                return key;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException(
                    $"timed out after {timeout.TotalSeconds:F0} s waiting for the trustees' joint key of '{election}' (phase: {secret?.KeyPhase ?? "none"})");
            }

            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>An encrypted one-of-k vote for <paramref name="option"/>, proofs bound to this credential and weight.</summary>
    public static CastEncryptedVote Encrypt(string chainId, string election, byte[] credential, ulong weight,
        GroupElement key, int optionCount, int option)
    {
        var choices = Enumerable.Range(0, optionCount).Select(i => i == option).ToArray();
        var ballot = EncryptedBallot.Create(SecretContexts.Ballot(chainId, election, credential, weight), key, weight, choices, 1, 1);
        var vote = new CastEncryptedVote { ElectionId = election, Sequence = 1, SumProof = ByteString.CopyFrom(ballot.SumProof) };
        vote.Ciphertexts.AddRange(ballot.Options.Select(c => ByteString.CopyFrom(c.ToArray())));
        vote.OptionProofs.AddRange(ballot.OptionProofs.Select(ByteString.CopyFrom));
        return vote;
    }

    /// <summary>The settings of the small election whose result is timed, closing <paramref name="closesInMs"/> from now.</summary>
    public static CreateElection ResultElection(string election, long closesInMs)
    {
        var now = DateTimeOffset.UtcNow;
        return new CreateElection
        {
            ElectionId = election,
            Title = "Result benchmark",
            OpensAtUnixMs = now.AddMinutes(-1).ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = now.ToUnixTimeMilliseconds() + closesInMs,
            Options = { "yes", "no" },
            Secret = new SecretBallotSettings { KeyPhaseSeconds = ResultKeyPhaseSeconds },
        };
    }

    /// <summary>How long the result election stays open: its three key phases and time for its votes to commit.</summary>
    public static long ResultElectionOpenMs => 3L * ResultKeyPhaseSeconds * 1000 + 8_000;

    /// <summary>
    /// Follows blocks from <paramref name="fromHeight"/> until the election's result commits, and returns the
    /// seconds between the block holding its last decryption share and the block holding the result (block times).
    /// </summary>
    public static async Task<double> ResultDelayAsync(NodeClient node, string election, ulong fromHeight, TimeSpan timeout,
        CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        long? lastShareMs = null;
        try
        {
            using var stream = node.Api.StreamBlocks(new StreamBlocksRequest { FromHeight = fromHeight }, cancellationToken: limit.Token);
            while (await stream.ResponseStream.MoveNext(limit.Token).ConfigureAwait(false))
            {
                var parsed = BlockCodec.Parse(stream.ResponseStream.Current.Block.Span).Value
                    ?? throw new InvalidOperationException("The node streamed a block that does not parse.");
                var time = parsed.Header.TimeUnixMs;
                foreach (var bytes in parsed.Block.Transactions)
                {
                    var payload = TxPayload.Parser.ParseFrom(TxEnvelope.Parser.ParseFrom(bytes).Payload);
                    if (payload.DecryptionShares?.ElectionId == election)
                    {
                        lastShareMs = time;
                    }
                    else if (payload.PublishResult?.ElectionId == election)
                    {
                        return (time - (lastShareMs ?? time)) / 1000.0;
                    }
                }
            }
        }
        catch (Exception e) when ((e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
            && !cancellation.IsCancellationRequested)
        {
            // The timeout below says what was missing.
        }

        throw new UserInputException($"timed out after {timeout.TotalSeconds:F0} s waiting for the result of '{election}'");
    }

    private static async Task<SecretElectionResponse?> TryGetAsync(NodeClient node, string election, CancellationToken cancellation)
    {
        try
        {
            return await node.Api.GetSecretElectionAsync(new GetElectionRequest { ElectionId = election },
                deadline: NodeClient.Deadline(), cancellationToken: cancellation).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
