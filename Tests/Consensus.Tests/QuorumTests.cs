using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;

namespace VoteChain.Consensus.Tests;

public sealed class QuorumTests
{
    /// <summary>
    /// For every size a genesis accepts, not only n = 3f+1: two quorums overlap in at least f+1 validators (so in an
    /// honest one, which never signs two blocks at one height and view), and the honest validators alone are a quorum.
    /// </summary>
    [Test]
    public void Any_two_quorums_share_an_honest_validator_and_the_honest_ones_are_a_quorum([Range(1, 40)] int validators)
    {
        var set = new ValidatorSet(Enumerable.Range(0, validators).Select(i => Hashing.Sha256(BitConverter.GetBytes(i))));
        var f = set.MaxFaulty;

        Assert.Multiple(() =>
        {
            Assert.That(f, Is.EqualTo((validators - 1) / 3));
            Assert.That((2 * set.Quorum) - validators, Is.GreaterThanOrEqualTo(f + 1), "overlap of two quorums");
            Assert.That(validators - f, Is.GreaterThanOrEqualTo(set.Quorum), "the honest validators can finalize alone");
            if (validators % 3 == 1)
            {
                Assert.That(set.Quorum, Is.EqualTo((2 * f) + 1), "n = 3f+1 keeps the classic 2f+1");
            }
        });
    }

    [TestCase(5, 4)]
    [TestCase(6, 4)]
    [TestCase(8, 6)]
    [TestCase(9, 6)]
    public void Sizes_between_3f_plus_1_need_more_than_2f_plus_1(int validators, int quorum)
    {
        var set = new ValidatorSet(Enumerable.Range(0, validators).Select(i => Hashing.Sha256(BitConverter.GetBytes(i))));
        Assert.That(set.Quorum, Is.EqualTo(quorum));
    }
}
