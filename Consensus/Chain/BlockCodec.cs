using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Chain;

/// <summary>
/// Builds blocks and parses untrusted block bytes; never throws for bad input. Parsing checks only that the bytes
/// are a block: whether its body belongs to its header is <see cref="BlockValidity.BodyProblem"/>'s question.
/// </summary>
public static class BlockCodec
{
    /// <summary>Builds a block (without certificate) over the given transactions.</summary>
    public static ParsedBlock Build(string chainId, ulong height, byte[] previousHash, long timeUnixMs, uint proposer,
        IReadOnlyList<byte[]> transactions, IReadOnlyList<byte[]> txIds, byte[] stateRoot, ValidatorChange? validatorChange = null)
    {
        var header = new BlockHeader
        {
            ChainId = chainId,
            Height = height,
            PreviousHash = ByteString.CopyFrom(previousHash),
            TimeUnixMs = timeUnixMs,
            TxRoot = ByteString.CopyFrom(MerkleTree.Root(txIds)),
            StateRoot = ByteString.CopyFrom(stateRoot),
            ProposerIndex = proposer,
            TxCount = (uint)transactions.Count,
            ValidatorChange = validatorChange?.Clone(),
        };
        var headerBytes = header.ToByteString();
        var block = new Block { Header = headerBytes };
        block.Transactions.AddRange(transactions.Select(ByteString.CopyFrom));
        return new ParsedBlock(block, header, Hashing.Sha256(headerBytes.Span));
    }

    /// <summary>Parses with unknown fields dropped, so that re-serializing shows whether any were there.</summary>
    private static readonly MessageParser<Block> CanonicalBlocks = Block.Parser.WithDiscardUnknownFields(true);
    private static readonly MessageParser<BlockHeader> CanonicalHeaders = BlockHeader.Parser.WithDiscardUnknownFields(true);

    /// <summary>
    /// Parses block bytes that must be canonically encoded: no unknown fields, no default values written, no
    /// non-minimal encodings. Signatures cover only the header hash, so bytes the schema does not know would ride
    /// along unchecked (and unmeasured by the block limits) under a genuine signature.
    /// </summary>
    public static Outcome<ParsedBlock> Parse(ReadOnlySpan<byte> bytes)
    {
        Block block;
        try
        {
            block = CanonicalBlocks.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return new Rejection(RejectCode.Malformed, "The block is not valid protobuf.");
        }

        return block.CalculateSize() == bytes.Length
            ? Parse(block)
            : new Rejection(RejectCode.Malformed, "The block is not canonically encoded (unknown fields or a non-minimal encoding).");
    }

    public static Outcome<ParsedBlock> Parse(Block block)
    {
        BlockHeader header;
        try
        {
            header = CanonicalHeaders.ParseFrom(block.Header);
        }
        catch (InvalidProtocolBufferException)
        {
            return new Rejection(RejectCode.Malformed, "The block header is not valid protobuf.");
        }

        return header.CalculateSize() == block.Header.Length
            ? new ParsedBlock(block, header, Hashing.Sha256(block.Header.Span))
            : new Rejection(RejectCode.Malformed, "The block header is not canonically encoded (unknown fields or a non-minimal encoding).");
    }

    /// <summary>
    /// Bytes a transaction adds to a block: the envelope and its field framing (a tag and a length prefix). Block
    /// limits count these, so a proposal built to the limit is the size every validator measures.
    /// </summary>
    public static int FramedSize(int envelopeLength) => 1 + CodedOutputStream.ComputeLengthSize(envelopeLength) + envelopeLength;

    /// <summary>The size of the block's header and transactions as serialized, certificate left out.</summary>
    public static long ContentSize(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        long size = FramedSize(block.Header.Length);
        foreach (var transaction in block.Transactions)
        {
            size += FramedSize(transaction.Length);
        }

        return size;
    }

    /// <summary>The block's bytes without its certificate: what a proposal carries and what validators agree on.</summary>
    public static byte[] WithoutCertificate(Block block) =>
        new Block { Header = block.Header, Transactions = { block.Transactions } }.ToByteArray();
}
