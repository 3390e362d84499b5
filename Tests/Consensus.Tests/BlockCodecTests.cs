using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Tests;

public sealed class BlockCodecTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(300)]
    public void The_content_size_is_the_serialized_size_without_certificate(int transactions)
    {
        // Sizes straddle the one- and two-byte length prefixes.
        var txs = Enumerable.Range(0, transactions).Select(i => new byte[100 + (i % 200)]).ToList();
        var block = BlockCodec.Build("c", 1, new byte[32], 5, 0, txs, txs.Select(t => Hashing.Sha256(t)).ToList(), new byte[32]);

        Assert.That(BlockCodec.ContentSize(block.Block), Is.EqualTo(BlockCodec.WithoutCertificate(block.Block).Length));
    }

    [Test]
    public void A_block_that_does_not_parse_is_malformed_not_an_exception()
    {
        Assert.That(BlockCodec.Parse([0xFF, 0x01, 0x02]).Rejection!.Code, Is.EqualTo(Protos.V1.RejectCode.Malformed));
    }
}
