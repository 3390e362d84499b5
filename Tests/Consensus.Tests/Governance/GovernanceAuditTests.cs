using Google.Protobuf;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Governance;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Governance;

/// <summary>
/// The audit replays every governance change (docs/GOVERNANCE.md): a certified chain whose validators were added,
/// rotated and removed through real proposals and approvals passes, each block judged by the set in force at its
/// height; a block certified by a set that has left, or a header whose change is not the one the rules approved, fails
/// at that height; a change of parameters binds blocks from its activation on.
/// </summary>
public sealed class GovernanceAuditTests
{
    private AuditChainBuilder _chain = null!;
    private ChainAuditor _auditor = null!;

    public enum Forgery
    {
        Dropped,
        OtherKey,
        LaterActivation,
        Invented,
    }

    [SetUp]
    public void SetUp()
    {
        _chain = new AuditChainBuilder(validators: 4);
        _auditor = new ChainAuditor(_chain.Genesis);
    }

    [TearDown]
    public void TearDown() => _chain.Dispose();

    [Test]
    public void A_chain_whose_validators_were_added_rotated_and_removed_replays_with_each_block_judged_by_its_own_set()
    {
        var added = Approved(new GovernanceProposal { AddValidator = _chain.ValidatorInfoFor(4) });
        CommitUntil(added + 1);
        var rotated = Approved(Rotate(2, 5));
        CommitUntil(rotated + 1);
        var removed = Approved(Remove(1));
        CommitUntil(removed + 1);

        var sets = _auditor.ValidatorSets;
        Assert.Multiple(() =>
        {
            Assert.That(_auditor.Failure, Is.Null);
            Assert.That(_auditor.Height, Is.EqualTo(removed + 1));
            Assert.That(sets.Select(s => s.From), Is.EqualTo(new ulong[] { 1, added, rotated, removed }));
            Assert.That(sets.Select(s => s.Set.Count), Is.EqualTo(new[] { 4, 5, 5, 4 }));
            Assert.That(sets[2].Set.PublicKey(2).ToArray(), Is.EqualTo(_chain.ValidatorKey(5).PublicKey), "the rotation keeps the index");
            Assert.That(Keys(sets[3].Set), Is.EqualTo(new[] { 0, 5, 3, 4 }.Select(n => _chain.ValidatorKey(n).PublicKey)));
        });
    }

    [Test]
    public void A_block_after_a_rotation_certified_with_the_rotated_out_key_fails_at_that_height()
    {
        CommitUntil(Approved(new GovernanceProposal { AddValidator = _chain.ValidatorInfoFor(4) }));
        var activation = Approved(Rotate(2, 5));
        CommitUntil(activation - 1);
        var oldSet = _chain.InForce(activation - 1);

        AssertFails(_chain.Block([], certifiers: [.. oldSet.Take(4)]),
            $"block {activation}: the commit certificate does not verify against the validators in force at height {activation}: "
            + "the commit signature of validator 2 does not verify");
    }

    [Test]
    public void A_block_after_a_removal_certified_by_the_old_set_fails_at_that_height()
    {
        CommitUntil(Approved(new GovernanceProposal { AddValidator = _chain.ValidatorInfoFor(4) }));
        var activation = Approved(Remove(1));
        CommitUntil(activation - 1);
        var oldSet = _chain.InForce(activation - 1);

        // The removed validator signs at its old index, which the set in force now gives to validator 2's key.
        AssertFails(_chain.Block([], certifiers: [.. oldSet.Take(4)]),
            $"block {activation}: the commit certificate does not verify against the validators in force at height {activation}: "
            + "the commit signature of validator 1 does not verify");
    }

    [TestCase(Forgery.Dropped)]
    [TestCase(Forgery.OtherKey)]
    [TestCase(Forgery.LaterActivation)]
    [TestCase(Forgery.Invented)]
    public void A_header_whose_validator_change_is_not_the_approved_one_fails(Forgery forgery)
    {
        using var stranger = AuditChainBuilder.Key(99);
        var last = AllButLastApproval(new GovernanceProposal { AddValidator = _chain.ValidatorInfoFor(4) });
        var height = _chain.State.Height + 1;
        var approved = new ValidatorChange { ActivationHeight = height + GovernanceRules.ActivationDelay };
        approved.PublicKeys.AddRange(Enumerable.Range(0, 5).Select(n => ByteString.CopyFrom(_chain.ValidatorKey(n).PublicKey)));
        var differs = $"block {height}: the header's validator change differs from the change re-executing the block approved";

        var (block, expected) = forgery switch
        {
            Forgery.Dropped => (_chain.Block([last], tamperHeader: h => h.ValidatorChange = null), differs),
            Forgery.OtherKey => (_chain.Block([last], tamperHeader: h => h.ValidatorChange.PublicKeys[4] = ByteString.CopyFrom(stranger.PublicKey)), differs),
            Forgery.LaterActivation => (_chain.Block([last], tamperHeader: h => h.ValidatorChange.ActivationHeight++),
                $"block {height}: the validator change takes effect at height {height + GovernanceRules.ActivationDelay + 1}, not {height + GovernanceRules.ActivationDelay}"),
            _ => (_chain.Block([], tamperHeader: h => h.ValidatorChange = approved), differs),
        };

        AssertFails(block, expected);
        Assert.That(_auditor.ValidatorSets, Has.Count.EqualTo(1), "a refused header's change is never taken");
    }

    [Test]
    public void A_change_of_parameters_binds_blocks_from_its_activation_on()
    {
        var activation = Approved(new GovernanceProposal
        {
            ConsensusParams = new ConsensusParams
            {
                MaxBlockTxs = 1, MaxBlockBytes = 1 << 20, ProposeTimeoutMs = 2_000, BlockIntervalMs = 0, MaxClockDriftMs = 5_000,
            },
        });
        CommitUntil(activation - 2);
        Commit(_chain.CreateElection("before-1"), _chain.CreateElection("before-2"));

        AssertFails(_chain.Block([_chain.CreateElection("after-1"), _chain.CreateElection("after-2")]),
            $"block {activation}: the block holds 2 transactions; the chain allows 1");
    }

    /// <summary>Feeds the block to the auditor, which must refuse it with exactly this problem and apply nothing.</summary>
    private void AssertFails(byte[] block, string expected)
    {
        var height = _auditor.Height;
        var problems = _auditor.Add(block);
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.EqualTo(new[] { expected }));
            Assert.That(_auditor.Failure, Is.EqualTo(expected));
            Assert.That(_auditor.Height, Is.EqualTo(height), "a failed block is not applied");
        });
    }

    /// <summary>The next block over these transactions, certified by the set in force; the auditor must accept it.</summary>
    private void Commit(params byte[][] envelopes)
    {
        var problems = _auditor.Add(_chain.Block(envelopes));
        Assert.That(problems, Is.Empty);
    }

    private void CommitUntil(ulong height)
    {
        while (_chain.State.Height < height)
        {
            Commit();
        }
    }

    /// <summary>
    /// Proposes (validator 0) and approves until a quorum of the set in force; returns the activation height. Changes
    /// apply one at a time, so the next one may be approved from this one's activation on.
    /// </summary>
    private ulong Approved(GovernanceProposal proposal)
    {
        Commit(AllButLastApproval(proposal));
        var activation = GovernanceState.Head(_chain.State).LastActivation;
        Assert.That(activation, Is.EqualTo(_chain.State.Height + GovernanceRules.ActivationDelay), "approved by this block");
        return activation;
    }

    /// <summary>
    /// Commits the proposal and every approval but the one that completes a quorum of the set in force, which it returns
    /// (so a test may put it in a forged block).
    /// </summary>
    private byte[] AllButLastApproval(GovernanceProposal proposal)
    {
        var validators = _chain.InForce(_chain.State.Height + 1);
        var proposed = _chain.Propose(validators[0].Signer, proposal);
        Commit(proposed);
        var id = Hashing.Sha256(proposed);
        var quorum = _chain.SetAt(_chain.State.Height + 1).Quorum;
        for (var approver = 1; approver < quorum - 1; approver++)
        {
            Commit(_chain.Approve(validators[approver].Signer, id));
        }

        Assert.That(GovernanceState.Proposal(_chain.State, id)!.ApprovedHeight, Is.Zero, "one approval short of a quorum");
        return _chain.Approve(validators[quorum - 1].Signer, id);
    }

    private GovernanceProposal Rotate(int from, int to) => new()
    {
        RotateValidator = new RotateValidator
        {
            OldKey = ByteString.CopyFrom(_chain.ValidatorKey(from).PublicKey),
            NewKey = ByteString.CopyFrom(_chain.ValidatorKey(to).PublicKey),
        },
    };

    private GovernanceProposal Remove(int number)
    {
        var remove = new RemoveValidators();
        remove.PublicKeys.Add(ByteString.CopyFrom(_chain.ValidatorKey(number).PublicKey));
        return new GovernanceProposal { RemoveValidators = remove };
    }

    private static IEnumerable<byte[]> Keys(Pbft.ValidatorSet set) => Enumerable.Range(0, set.Count).Select(i => set.PublicKey(i).ToArray());
}
