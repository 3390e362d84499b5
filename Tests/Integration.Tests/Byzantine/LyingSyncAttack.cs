using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests.Byzantine;

/// <summary>
/// Lying sync. The dishonest validator takes no part in consensus (three honest validators are a quorum). To anyone
/// who syncs it claims a head <see cref="ClaimedAhead"/> blocks beyond the honest one, so that it is the first peer
/// asked, and it serves the blocks it fetches from an honest node with their real header bytes and commit
/// certificates but junk transactions of the same count and sizes: every signature still verifies and only the body
/// no longer matches the header's tx root. For heights the honest node does not have it serves nothing, although it
/// claims them.
/// </summary>
internal sealed class LyingSyncAttack : IAttack, ISyncAnswers, IDisposable
{
    /// <summary>A claim far beyond the honest head: sync sets such a liar aside for serving far less than it claims.</summary>
    public const ulong FarAhead = 1_000_000;

    private readonly GrpcChannel _channel;
    private readonly PeerService.PeerServiceClient _source;
    private readonly Lock _gate = new();
    private readonly List<SyncAnswer> _answers = [];

    /// <param name="honestUrl">The honest node whose blocks it passes on, bodies replaced.</param>
    /// <param name="claimedAhead">How far beyond the honest head it claims to be: one block is a plausible lie, which
    /// sync believes until the engine refuses the junk; <see cref="FarAhead"/> is caught by the batch size alone.</param>
    public LyingSyncAttack(string honestUrl, ulong claimedAhead = FarAhead)
    {
        ClaimedAhead = claimedAhead;
        _channel = GrpcChannel.ForAddress(honestUrl);
        _source = new PeerService.PeerServiceClient(_channel);
    }

    /// <summary>How far beyond the honest head its claimed head is.</summary>
    public ulong ClaimedAhead { get; }

    /// <summary>How many GetBlocks it has answered: a mark for <see cref="AnswersSince"/>.</summary>
    public int AnswerCount
    {
        get
        {
            lock (_gate)
            {
                return _answers.Count;
            }
        }
    }

    /// <summary>What it has done so far, for failure messages.</summary>
    public string Summary
    {
        get
        {
            lock (_gate)
            {
                var junk = _answers.Where(a => a.Junk > 0).ToList();
                return $"the liar answered {_answers.Count} GetBlocks ({_answers.Count(a => a.Served == 0)} with nothing) and served " +
                    $"{junk.Sum(a => a.Junk)} junk blocks in answers from heights [{string.Join(", ", junk.Select(a => a.From))}]";
            }
        }
    }

    /// <summary>The GetBlocks answers after the first <paramref name="mark"/> ones.</summary>
    public IReadOnlyList<SyncAnswer> AnswersSince(int mark)
    {
        lock (_gate)
        {
            return _answers.Skip(mark).ToList();
        }
    }

    /// <summary>Silent in consensus: this attack is only about sync.</summary>
    public void OnMessage(ConsensusMessage message)
    {
    }

    public Task RunAsync(CancellationToken stop) => Task.CompletedTask;

    public async Task<Head> HeadAsync(CancellationToken cancellation)
    {
        try
        {
            var head = await _source.GetHeadAsync(new GetHeadRequest(), cancellationToken: cancellation).ConfigureAwait(false);
            return new Head { Height = head.Height + ClaimedAhead, Hash = head.Hash };
        }
        catch (RpcException)
        {
            // The honest node is away (stopped by the test): the claim need not be anchored to lie.
            return new Head { Height = ClaimedAhead, Hash = ByteString.Empty };
        }
    }

    public async Task<GetBlocksResponse> BlocksAsync(GetBlocksRequest request, string caller, CancellationToken cancellation)
    {
        GetBlocksResponse honest;
        try
        {
            honest = await _source.GetBlocksAsync(request, cancellationToken: cancellation).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The honest node is away: serve nothing, as for a claimed height it does not have.
            honest = new GetBlocksResponse();
        }

        var response = new GetBlocksResponse();
        var junk = 0;
        foreach (var served in honest.Blocks)
        {
            var block = Block.Parser.ParseFrom(served);
            if (block.Transactions.Count > 0)
            {
                // Header bytes and certificate untouched: only the body changes, so the block hash and every signature hold.
                var replaced = block.Transactions.Select(t => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(t.Length))).ToList();
                block.Transactions.Clear();
                block.Transactions.AddRange(replaced);
                junk++;
            }

            response.Blocks.Add(block.ToByteString());
        }

        lock (_gate)
        {
            _answers.Add(new SyncAnswer(caller, request.FromHeight, response.Blocks.Count, junk));
        }

        return response;
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>One GetBlocks answer of the liar: to whom, from which height, how many blocks, how many of them junk.</summary>
internal sealed record SyncAnswer(string Caller, ulong From, int Served, int Junk);
