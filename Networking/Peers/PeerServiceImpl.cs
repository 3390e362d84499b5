using Grpc.Core;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Limits;
using VoteChain.Protos.V1;
using VoteChain.Storage;

namespace VoteChain.Networking.Peers;

/// <summary>
/// The peer side of the node's endpoint: gossip streams from other nodes (opened by a challenge-response handshake), and
/// committed blocks with certificates for nodes that are behind.
/// </summary>
public sealed partial class PeerServiceImpl : PeerService.PeerServiceBase
{
    /// <summary>Blocks per GetBlocks answer, and a byte budget, so one request cannot make a huge response.</summary>
    public const int MaxBlocksPerRequest = 64;
    public const int MaxResponseBytes = 8 * 1024 * 1024;

    /// <summary>
    /// The largest gossip message a peer may send: a NewView carries a view change from each of a quorum, each
    /// possibly with a whole prepared block, plus its own proposal. Public API requests stay far smaller.
    /// </summary>
    public static int MaxMessageBytes(ConsensusParams parameters, int validators)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var blocks = (long)parameters.MaxBlockBytes * (validators + 2);
        return (int)Math.Clamp(blocks + (1 << 20), 4L << 20, 256L << 20);
    }

    private readonly ChainStore _store;
    private readonly IPeerInbox _inbox;
    private readonly PeerValidators _validators;
    private readonly LocalPeer _self;
    private readonly byte[] _certificateHash;
    private readonly TimeProvider _clock;
    private readonly ILogger<PeerServiceImpl> _logger;
    private readonly CancellationToken _stopping;
    private readonly GossipReceiveBudget _receiveBudget;

    /// <param name="stopping">Fires when the node shuts down: open gossip streams end then, instead of holding the
    /// server's graceful shutdown until its timeout.</param>
    /// <param name="certificateHash">SHA-256 of the certificate this node serves TLS with, empty when it serves plain http:
    /// bound into every handshake so that a Hello is good on one TLS connection only.</param>
    public PeerServiceImpl(ChainStore store, IPeerInbox inbox, PeerValidators validators, LocalPeer self, byte[] certificateHash,
        TimeProvider clock, ILogger<PeerServiceImpl> logger, CancellationToken stopping)
    {
        _stopping = stopping;
        _store = store;
        _inbox = inbox;
        _validators = validators;
        _self = self;
        _certificateHash = certificateHash;
        _clock = clock;
        _logger = logger;
        _receiveBudget = new GossipReceiveBudget(PeerValidators.MaxSlots);
    }

    public override async Task Gossip(IAsyncStreamReader<PeerMessage> requestStream, IServerStreamWriter<GossipReply> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        AdmitHandshake(context.GetHttpContext().Connection.RemoteIpAddress);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _stopping);
        try
        {
            var binding = new ConnectionBinding(_certificateHash,
                ConnectionBinding.HashOf(context.GetHttpContext().Connection.ClientCertificate));
            PeerIdentity? peer;
            try
            {
                peer = await ServerHandshake.RunAsync(requestStream, responseStream, _self, binding, _validators, _clock, open.Token)
                    .ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
            {
                LogRefused(context.Peer, e.Status.Detail);
                throw;
            }

            if (peer is not null)
            {
                LiftMessageBound(peer, context);
                await ReadGossipAsync(requestStream, peer, context.GetHttpContext().Connection.RemoteIpAddress, open.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The node is shutting down; the peer will reconnect to whoever serves next.
        }
    }

    private async Task ReadGossipAsync(IAsyncStreamReader<PeerMessage> requestStream, PeerIdentity peer, System.Net.IPAddress? address,
        CancellationToken cancellation)
    {
        LogConnected(peer.ToString(), peer.IsValidator);
        // A validator's transactions are verified off the reader, so its consensus messages never wait behind the batches
        // read before them. A stranger sends no consensus messages: its stream is read as fast as its gossip is verified.
        await using var received = peer.IsValidator ? new GossipReceiveQueue(_inbox, peer, _receiveBudget, _logger) : null;
        void Receive(IReadOnlyList<byte[]> envelopes)
        {
            if (received is null)
            {
                _inbox.OnTransactions(envelopes, peer);
            }
            else
            {
                received.Post(envelopes);
            }
        }

        while (await requestStream.MoveNext(cancellation).ConfigureAwait(false))
        {
            var message = requestStream.Current;
            switch (message.KindCase)
            {
                case PeerMessage.KindOneofCase.Transaction when AdmitsTransaction(peer, address):
                    Receive([message.Transaction.ToByteArray()]);
                    break;
                case PeerMessage.KindOneofCase.Transactions when message.Transactions.Envelopes.Count <= GossipBatchLimits.MaxTransactions:
                    // Over the count no honest sender goes: dropped unread. Within it, each envelope takes its place in the
                    // sender's gossip rate, as if sent alone.
                    var admitted = message.Transactions.Envelopes.Where(_ => AdmitsTransaction(peer, address))
                        .Select(e => e.ToByteArray()).ToList();
                    if (admitted.Count > 0)
                    {
                        Receive(admitted);
                    }

                    break;
                case PeerMessage.KindOneofCase.Consensus when _validators.IsValidator(peer.PublicKey):
                    // Consensus messages are signed one by one, but only validators have any reason to send them. Asked
                    // per message, not at the handshake: a stream opened before its key's set was approved (a joining
                    // validator, a rotated key) carries consensus messages once it is, and a removed one's no longer.
                    _inbox.OnConsensus(message.Consensus, peer);
                    break;
                default:
                    break;
            }
        }

        if (received is not null)
        {
            await received.CompleteAsync().ConfigureAwait(false);
        }
    }

    public override Task<GetBlocksResponse> GetBlocks(GetBlocksRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new GetBlocksResponse();
        var from = Math.Max(1, request.FromHeight);
        if (from > _store.Height)
        {
            // Nothing to send costs no slot: otherwise a reader that never reads could hold one with an empty answer.
            return Task.FromResult(response);
        }

        LargeAnswers?.Take(context, "GetBlocks");
        var max = request.MaxBlocks == 0 ? MaxBlocksPerRequest : Math.Min(request.MaxBlocks, MaxBlocksPerRequest);
        var bytes = 0;
        for (var height = from; height < from + max && height <= _store.Height; height++)
        {
            var block = _store.GetBlockBytes(height);
            if (block is null || (bytes > 0 && bytes + block.Length > MaxResponseBytes))
            {
                break;
            }

            bytes += block.Length;
            response.Blocks.Add(Google.Protobuf.ByteString.CopyFrom(block));
        }

        return Task.FromResult(response);
    }

    public override Task<Head> GetHead(GetHeadRequest request, ServerCallContext context)
    {
        var head = _store.Head;
        return Task.FromResult(new Head { Height = head.Height, Hash = Google.Protobuf.ByteString.CopyFrom(head.Hash) });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a gossip stream from {Peer}: {Problem}")]
    private partial void LogRefused(string peer, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Gossip stream from {Peer} (validator: {IsValidator})")]
    private partial void LogConnected(string peer, bool isValidator);
}
