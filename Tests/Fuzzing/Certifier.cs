using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing;

/// <summary>Commit certificates signed with the fixture's validator keys, as a quorum that agreed on the block would.</summary>
internal static class Certifier
{
    /// <summary>Replaces the block's certificate with one signed by the first <paramref name="signers"/> validators over its header as it is.</summary>
    public static void Certify(Block block, ulong height, int signers)
    {
        var hash = Hashing.Sha256(block.Header.Span);
        var signatures = Enumerable.Range(0, signers).Select(i => new KeyValuePair<uint, byte[]>((uint)i,
            FuzzFixture.Validators[i].Sign(MessageSigning.Bytes(SignStep.Commit, FuzzFixture.ChainId, height, 0, hash))));
        block.Certificate = CommitCertificates.Build(height, 0, hash, signatures);
    }
}
