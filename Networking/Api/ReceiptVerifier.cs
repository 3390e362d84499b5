using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// Checks a <see cref="Receipt"/> offline against the genesis validator set, trusting no node: the envelope hashes
/// to the id, the Merkle proof places the id under the header's tx_root, the header is the block the commit
/// certificate names, and a quorum of the validators in force at its height signed that certificate. Those are
/// found like a light client's: from the genesis set, through each change of set the receipt carries, each checked
/// against the set before it (docs/GOVERNANCE.md). Pure: no I/O, no clock.
/// </summary>
public sealed class ReceiptVerifier
{
    private readonly CertifiedHeaders _headers;
    private readonly string _chainId;

    public ReceiptVerifier(ValidatorSet validators, string chainId)
    {
        _headers = new CertifiedHeaders(validators, chainId);
        _chainId = chainId;
    }

    /// <summary>Null when the receipt proves the transaction committed; otherwise the first problem, as a sentence.</summary>
    public string? Problem(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.TxId.Length != Hashing.HashSize)
        {
            return $"The receipt's transaction id is {receipt.TxId.Length} bytes, not {Hashing.HashSize}.";
        }

        if (!CryptographicOperations.FixedTimeEquals(Hashing.Sha256(receipt.Envelope.Span), receipt.TxId.Span))
        {
            return "The receipt's envelope does not hash to its transaction id.";
        }

        BlockHeader header;
        try
        {
            header = BlockHeader.Parser.ParseFrom(receipt.Header);
        }
        catch (InvalidProtocolBufferException)
        {
            return "The receipt's block header is not valid protobuf.";
        }

        return HeaderProblem(receipt, header) ?? InclusionProblem(receipt, header) ?? CertificateProblem(receipt, header);
    }

    private string? HeaderProblem(Receipt receipt, BlockHeader header)
    {
        if (header.ChainId != _chainId)
        {
            return $"The block header is for chain '{header.ChainId}', not '{_chainId}'.";
        }

        return header.Height == receipt.Height
            ? null
            : $"The block header is at height {header.Height}, but the receipt says {receipt.Height}.";
    }

    private static string? InclusionProblem(Receipt receipt, BlockHeader header)
    {
        if (receipt.TreeSize != header.TxCount)
        {
            return $"The proof is for a tree of {receipt.TreeSize} transactions, but the block holds {header.TxCount}.";
        }

        if (receipt.Position >= receipt.TreeSize)
        {
            return $"The receipt puts the transaction at position {receipt.Position} of a block of {receipt.TreeSize}.";
        }

        var proof = new MerkleProof(receipt.Position, receipt.TreeSize, receipt.Proof.Select(p => p.ToByteArray()).ToList());
        return MerkleTree.Verify(header.TxRoot.Span, receipt.TxId.Span, proof)
            ? null
            : $"The Merkle proof does not place the transaction at position {receipt.Position} under the block's tx_root.";
    }

    private string? CertificateProblem(Receipt receipt, BlockHeader header)
    {
        var certificate = receipt.Certificate;
        if (certificate is null)
        {
            return "The receipt carries no commit certificate.";
        }

        var blockHash = Hashing.Sha256(receipt.Header.Span);
        if (!CryptographicOperations.FixedTimeEquals(blockHash, certificate.BlockHash.Span))
        {
            return "The commit certificate is for another block: its hash differs from the SHA-256 of the receipt's header.";
        }

        if (certificate.Height != header.Height)
        {
            return $"The commit certificate is for height {certificate.Height}, but the header is at height {header.Height}.";
        }

        if (_headers.ScheduleProblem(receipt.SetChanges, header.Height, "the receipt's block", out var schedule) is { } broken)
        {
            return broken;
        }

        return CommitCertificates.Problem(certificate, schedule.At(header.Height), _chainId, header.Height, blockHash) is { } problem
            ? $"The commit certificate does not verify: {problem}."
            : null;
    }
}
