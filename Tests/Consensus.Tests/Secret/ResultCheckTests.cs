using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

public sealed class ResultCheckTests
{
    private const string Chain = "result-check";

    private static SecretElectionFixture Election(int trustees = 4, uint threshold = 3)
    {
        var fixture = new SecretElectionFixture(Chain, "e1", trustees, threshold, options: 3);
        fixture.Cast(5, 0);
        fixture.Cast(2, 2);
        fixture.Cast(1, 0);
        return fixture;
    }

    private static string? Check(SecretElectionFixture f) =>
        ResultCheck.PublishedProblem(Chain, f.Election, f.Key, f.Secret, f.Tally);

    [Test]
    public void The_true_result_from_any_threshold_of_shares_is_verified()
    {
        var all = Election();
        all.Publish([1, 2, 3, 4]);
        var absentFirst = Election();
        absentFirst.Publish([2, 3, 4]);

        Assert.That(all.Expected, Is.EqualTo(new ulong[] { 6, 0, 2 }));
        Assert.That(Check(all), Is.Null);
        Assert.That(Check(absentFirst), Is.Null);
    }

    [Test]
    public void A_wrong_weight_is_refused_naming_the_option()
    {
        var f = Election();
        f.Publish([1, 2, 3], [6, 0, 3]);

        Assert.That(Check(f), Does.Contain("option 2"));
    }

    [Test]
    public void Fewer_shares_than_the_threshold_give_no_result()
    {
        var f = Election();
        f.Publish([1, 4]);

        Assert.That(Check(f), Does.Contain("Fewer than 3"));
    }

    [Test]
    public void A_share_made_with_another_trustees_key_share_is_refused()
    {
        var f = Election();
        f.Publish([1, 2, 3]);
        // Trustee 3's record now carries trustee 2's shares and proofs: they prove nothing about trustee 3's key.
        var forged = f.Shares(2);
        f.Secret.DecryptionShares[2].Shares.Clear();
        f.Secret.DecryptionShares[2].Shares.AddRange(forged.Shares);
        f.Secret.DecryptionShares[2].Proofs.Clear();
        f.Secret.DecryptionShares[2].Proofs.AddRange(forged.Proofs);

        Assert.That(Check(f), Does.Contain("Trustee 3's decryption share for option 0"));
    }

    [Test]
    public void A_share_proof_for_another_election_is_refused()
    {
        var f = Election();
        var sums = Sums(f);
        var share = DecryptionShare.Create(SecretContexts.DecryptionShare(Chain, "other", 1, 0), 1, f.KeyShare(1), f.Key.VerificationKey(1), sums[0]);
        var record = f.Shares(1);
        record.Shares[0] = ByteString.CopyFrom(share.D.ToArray());
        record.Proofs[0] = ByteString.CopyFrom(share.Proof);

        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, record.Shares, record.Proofs), Does.Contain("option 0"));
        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, f.Shares(1).Shares, f.Shares(1).Proofs), Is.Null);
    }

    [Test]
    public void An_option_with_no_ballots_needs_the_identity_and_an_empty_proof()
    {
        var f = Election();
        var sums = Sums(f);
        var honest = f.Shares(1);
        Assert.That(sums[1].A.IsIdentity, Is.False, "every ballot encrypts every option, so option 1 has ciphertexts");

        var empty = new SecretElectionFixture(Chain, "e2", 3, 2, options: 2);
        var emptySums = Sums(empty);
        var shares = empty.Shares(1);
        Assert.That(ResultCheck.ShareProblem(Chain, "e2", empty.Key, emptySums, 1, shares.Shares, shares.Proofs), Is.Null);

        shares.Proofs[0] = ByteString.CopyFrom(new byte[DleqProof.Size]);
        Assert.That(ResultCheck.ShareProblem(Chain, "e2", empty.Key, emptySums, 1, shares.Shares, shares.Proofs), Does.Contain("identity with an empty proof"));
        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, honest.Shares, honest.Proofs), Is.Null);
    }

    [Test]
    public void Malformed_shares_are_refused_before_any_group_operation()
    {
        var f = Election();
        var sums = Sums(f);
        var record = f.Shares(1);
        var shortList = new List<ByteString>(record.Shares.Take(2));
        var nonCanonical = record.Shares.ToList();
        nonCanonical[1] = ByteString.CopyFrom(Enumerable.Repeat((byte)0xff, 32).ToArray());
        var identity = record.Shares.ToList();
        identity[0] = ByteString.CopyFrom(GroupElement.Identity.ToArray());

        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, shortList, record.Proofs), Does.Contain("3 options"));
        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, nonCanonical, record.Proofs), Does.Contain("not a canonical"));
        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 1, identity, record.Proofs), Does.Contain("non-identity"));
        Assert.That(ResultCheck.ShareProblem(Chain, f.ElectionId, f.Key, sums, 0, record.Shares, record.Proofs), Does.Contain("start at 1"));
    }

    [Test]
    public void An_unpublished_result_or_an_open_election_is_not_verified()
    {
        var f = Election();
        var open = f.Election.Clone();
        open.Secret = null;

        Assert.That(Check(f), Does.Contain("No result"));
        Assert.That(ResultCheck.PublishedProblem(Chain, open, f.Key, f.Secret, f.Tally), Does.Contain("not secret"));
    }

    private static Ciphertext[] Sums(SecretElectionFixture f)
    {
        Assert.That(ResultCheck.TryReadSums(f.Tally, f.Election.Definition.Options.Count, out var sums), Is.True);
        return sums;
    }
}
