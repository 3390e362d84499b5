using Google.Protobuf;
using VoteChain.Consensus.Audit;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

/// <summary>The chain auditor replays a certified chain from genesis and names precisely what breaks in a bad block.</summary>
public sealed class AuditTests
{
    private static readonly ByteString Zeros = ByteString.CopyFrom(new byte[32]);

    [Test]
    public void A_valid_chain_replays_and_every_tally_agrees_with_its_recount()
    {
        using var chain = new AuditChainBuilder();
        using var alice = AuditChainBuilder.Key(10);
        using var bob = AuditChainBuilder.Key(11);
        using var carol = AuditChainBuilder.Key(12);
        var auditor = new ChainAuditor(chain.Genesis);
        byte[][] blocks =
        [
            chain.Block([chain.CreateElection("city", allowRevote: true), chain.CreateElection("club")]),
            chain.Block([chain.Register("city", alice, bob, carol), chain.Register("club", alice)]),
            chain.Block([chain.Vote("city", alice, 0), chain.Vote("city", bob, 1), chain.Vote("club", alice, 1)]),
            chain.Block([chain.Vote("city", alice, 1, sequence: 2), chain.Vote("city", carol, 0)]),
            chain.Block([]),
        ];

        foreach (var block in blocks)
        {
            Assert.That(auditor.Add(block), Is.Empty);
        }

        var recounts = ElectionRecount.All(auditor.State, auditor.ChainId);
        Assert.Multiple(() =>
        {
            Assert.That(auditor.Height, Is.EqualTo(5));
            Assert.That(auditor.Failure, Is.Null);
            Assert.That(auditor.Transactions, Is.EqualTo(9));
            Assert.That(auditor.Votes, Is.EqualTo(5));
            Assert.That(recounts.Select(r => r.ElectionId), Is.EqualTo(new[] { "city", "club" }));
            Assert.That(recounts.All(r => r.Agrees), Is.True);
            Assert.That(recounts[0].Recounted.OptionWeights, Is.EqualTo(new ulong[] { 2, 4 }));
            Assert.That(recounts[0].Options, Is.EqualTo(new[] { "yes", "no" }));
        });
    }

    [Test]
    public void A_certificate_signed_by_a_key_outside_the_genesis_validators_is_named()
    {
        using var outsider = AuditChainBuilder.Key(99);
        AssertSecondBlockFails(chain => chain.Block([], certifiers: [(0, outsider)]),
            "block 2: the commit certificate does not verify against the genesis validators: the commit signature of validator 0 does not verify");
    }

    [Test]
    public void A_broken_previous_hash_link_is_named() =>
        AssertSecondBlockFails(chain => chain.Block([], tamperHeader: h => h.PreviousHash = Zeros),
            "block 2: the previous hash is not the hash of block 1");

    [Test]
    public void A_tampered_transaction_is_named()
    {
        using var alice = AuditChainBuilder.Key(10);
        AssertSecondBlockFails(chain => chain.Block([chain.Register("city", alice)], tamperBody: block =>
            {
                // The signature is the envelope's last field: flipping its last byte keeps the encoding canonical.
                var bytes = block.Transactions[0].ToByteArray();
                bytes[^1] ^= 1;
                block.Transactions[0] = ByteString.CopyFrom(bytes);
            }),
            // The changed bytes no longer hash to the header's commitment: caught before any signature is checked.
            "block 2: the transactions do not hash to the header's tx root");
    }

    [Test]
    public void A_wrong_state_root_is_named() =>
        AssertSecondBlockFails(chain => chain.Block([], tamperHeader: h => h.StateRoot = Zeros),
            "block 2: the header's state root differs from the state root of re-executing the block");

    [Test]
    public void A_wrong_tx_root_is_named() =>
        AssertSecondBlockFails(chain => chain.Block([], tamperHeader: h => h.TxRoot = Zeros),
            "block 2: the transactions do not hash to the header's tx root");

    [Test]
    public void A_block_over_the_size_limit_is_named() =>
        AssertSecondBlockFails(chain => chain.Block([], tamperBody: b => b.Transactions.Add(Google.Protobuf.ByteString.CopyFrom(new byte[1 << 20]))),
            "block 2: the block is 1048706 bytes; the chain allows 1048576");

    [Test]
    public void A_block_for_another_chain_is_named() =>
        AssertSecondBlockFails(chain => chain.Block([], tamperHeader: h => h.ChainId = "other"),
            "block 2: the block is for chain 'other', not 'audit-chain'");

    /// <summary>Block 1 (an election) is valid; the block <paramref name="second"/> builds must fail with exactly this message.</summary>
    private static void AssertSecondBlockFails(Func<AuditChainBuilder, byte[]> second, string expected)
    {
        using var chain = new AuditChainBuilder();
        var auditor = new ChainAuditor(chain.Genesis);
        Assert.That(auditor.Add(chain.Block([chain.CreateElection("city")])), Is.Empty);

        var problems = auditor.Add(second(chain));

        Assert.Multiple(() =>
        {
            Assert.That(problems, Has.Count.EqualTo(1).And.Contains(expected));
            Assert.That(auditor.Failure, Is.EqualTo(expected));
            Assert.That(auditor.Height, Is.EqualTo(1), "a failed block is not applied");
            Assert.That(() => auditor.Add([]), Throws.InvalidOperationException);
        });
    }
}
