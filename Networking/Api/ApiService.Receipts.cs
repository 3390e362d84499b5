using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.State;
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
        var envelope = block.Transactions[(int)location.Position];
        var receipt = new Receipt
        {
            TxId = ByteString.CopyFrom(txId),
            Height = location.Height,
            Position = location.Position,
            Header = block.Header,
            Proof = { proof.Path.Select(ByteString.CopyFrom) },
            TreeSize = proof.TreeSize,
            Certificate = block.Certificate,
            Envelope = envelope,
            SetChanges = { SetChangesBetween(0, location.Height) },
        };
        if (ReceiptStanding.TryReadVote(envelope, out var electionId, out var signer))
        {
            (receipt.Standing, receipt.ProvenStanding) = StandingOf(electionId, signer, location.Height);
        }

        return Task.FromResult(receipt);
    }

    /// <summary>
    /// A vote's credential and ballot at the head, proven against its certified header, and the same records parsed as
    /// the node's word for verifiers that know nothing of proofs (both read once, so they always agree).
    /// </summary>
    private (VoteStanding Word, ProvenStanding Proven) StandingOf(string electionId, byte[] signer, ulong voteHeight)
    {
        var key = StateKeys.Credential(electionId, signer);
        var proven = ProveAtHead([(StateColumn.Credentials, key), (StateColumn.Ballots, key)]);
        var (credential, ballot) = (proven.Records[0], proven.Records[1]);
        var word = new VoteStanding
        {
            Height = proven.Head.Height,
            Credential = credential.HasRecord ? CredentialRecord.Parser.ParseFrom(credential.Record) : null,
            Ballot = ballot.HasRecord ? BallotRecord.Parser.ParseFrom(ballot.Record) : null,
        };
        return (word, new ProvenStanding
        {
            Header = proven.Head.Block.Header,
            Certificate = proven.Head.Block.Certificate,
            SetChanges = { SetChangesBetween(voteHeight, proven.Head.Height) },
            Credential = credential,
            Ballot = ballot,
        });
    }
}
