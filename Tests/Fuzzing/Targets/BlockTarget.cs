using Google.Protobuf;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// Block decoding and validity as a node that trusts only the genesis applies them: <see cref="ChainAuditor"/> runs
/// the same parse, structure, certificate, body, time and rule checks (with the state root) that the engine and sync
/// use, on the first block after the fixture's genesis. The first byte picks how far a mutation gets: 0 the bytes as
/// they are (a mutation stops at the certificate, which covers the header, which covers the transactions); 1 the
/// block certified afresh by a quorum (what a quorum could sign: the body check and the rules take it); 2 also its
/// header's transaction count and root recomputed (the rules and the state root take reordered, repeated or dropped
/// transactions); 3 also every transaction whose signer is a fixture key (the authority, a voter) signed afresh
/// whatever its payload says (what a lying authority or voter can submit: the rules take mutated payloads). A
/// refused block must leave the auditor's state where it was.
/// </summary>
internal sealed class BlockTarget : IFuzzTarget
{
    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var bytes = input.AsSpan(1).ToArray();
        var mode = input[0] % 4;
        if (mode > 0 && TryParse(bytes) is { } block)
        {
            if (mode == 3)
            {
                ResignTransactions(block);
            }

            if (mode >= 2 && !FixBody(block))
            {
                return;
            }

            Certifier.Certify(block, 1, signers: 3);
            bytes = block.ToByteArray();
        }

        var auditor = new ChainAuditor(FuzzFixture.Genesis);
        var before = auditor.State.StateRoot;
        var problems = auditor.Add(bytes);
        if (problems.Count > 0 && (auditor.Height != 0 || !auditor.State.StateRoot.AsSpan().SequenceEqual(before)))
        {
            throw new PropertyViolation("a refused block changed the replayed state");
        }

        if (problems.Count == 0 && auditor.Height != 1)
        {
            throw new PropertyViolation("an accepted block did not advance the replay to height 1");
        }
    }

    private static Block? TryParse(byte[] bytes)
    {
        try
        {
            return Block.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static void ResignTransactions(Block block)
    {
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            TxEnvelope envelope;
            try
            {
                envelope = TxEnvelope.Parser.ParseFrom(block.Transactions[i]);
            }
            catch (InvalidProtocolBufferException)
            {
                continue;
            }

            if (FuzzFixture.Signer(envelope.Signer.Span) is { } signer)
            {
                envelope.Signature = ByteString.CopyFrom(signer.Sign(TxSigning.SigningMessage(FuzzFixture.ChainId, envelope.Payload.Span)));
                block.Transactions[i] = envelope.ToByteString();
            }
        }
    }

    /// <summary>Makes the header count and commit to the block's transactions; false when the header does not parse.</summary>
    private static bool FixBody(Block block)
    {
        BlockHeader header;
        try
        {
            header = BlockHeader.Parser.ParseFrom(block.Header);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        header.TxCount = (uint)block.Transactions.Count;
        header.TxRoot = ByteString.CopyFrom(MerkleTree.Root([.. block.Transactions.Select(t => Hashing.Sha256(t.Span))]));
        block.Header = header.ToByteString();
        return true;
    }
}
