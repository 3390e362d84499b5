using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>Receipts: everything a voter needs to check offline that a transaction was committed.</summary>
public sealed partial class ApiService
{
    public override Task<Receipt> GetReceipt(GetReceiptRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var txId = request.TxId.IsEmpty && request.TxIdHex.Length > 0
            ? RequestChecks.HexHash(request.TxIdHex, "tx_id_hex")
            : RequestChecks.Hash(request.TxId, "tx_id");
        var location = _store.GetTxLocation(txId)
            ?? throw ApiErrors.NotFound("No committed block holds this transaction (it may still be pending).");
        var bytes = _store.GetBlockBytes(location.Height)
            ?? throw new RpcException(location.Height < _store.OldestBlock
                ? new Status(StatusCode.FailedPrecondition, BelowOldest($"the block of this transaction ({location.Height})"))
                : new Status(StatusCode.Internal, $"The transaction index names block {location.Height}, which is not stored."));
        var block = ParseStored(bytes).Block;
        if (location.Position >= block.Transactions.Count)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"The transaction index names position {location.Position} of block {location.Height}, which holds {block.Transactions.Count}."));
        }

        // The proof is over the ids of the block's transactions in order, exactly as the header's tx_root was built.
        var ids = block.Transactions.Select(t => Hashing.Sha256(t.Span)).ToList();
        var proof = MerkleTree.Prove(ids, (int)location.Position);
        return Task.FromResult(new Receipt
        {
            TxId = ByteString.CopyFrom(txId),
            Height = location.Height,
            Position = location.Position,
            Header = block.Header,
            Proof = { proof.Path.Select(ByteString.CopyFrom) },
            TreeSize = proof.TreeSize,
            Certificate = block.Certificate,
            Envelope = block.Transactions[(int)location.Position],
            Standing = StandingOf(block.Transactions[(int)location.Position]),
            SetChanges = { SetChangesUpTo(location.Height) },
        });
    }

    /// <summary>The changes of validators in force at <paramref name="height"/>, proven (<see cref="SetChangeProofs"/>).</summary>
    private List<SetChangeProof> SetChangesUpTo(ulong height)
    {
        SetChangeList list;
        try
        {
            list = SetChangeProofs.UpTo(_store, height);
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }

        return list.Missing is { } approvedAt
            ? throw new RpcException(new Status(StatusCode.FailedPrecondition,
                BelowOldest($"block {approvedAt}, which approved a change of validators before this receipt's block")))
            : list.Proofs;
    }

    /// <summary>
    /// For a vote, its credential and ballot as stored now, with the height they were read at (read again when a
    /// block committed in between, as for tallies). Null for other transaction kinds.
    /// </summary>
    private VoteStanding? StandingOf(ByteString envelope)
    {
        if (!ReceiptStanding.TryReadVote(envelope, out var electionId, out var signer))
        {
            return null;
        }

        while (true)
        {
            var height = _store.Height;
            var standing = new VoteStanding
            {
                Height = height,
                Credential = _store.GetCredential(electionId, signer),
                Ballot = _store.GetBallot(electionId, signer),
            };
            if (_store.Height == height)
            {
                return standing;
            }
        }
    }
}
