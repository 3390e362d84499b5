using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Mempool;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Encrypted votes wait in the pool like plaintext ones: one pending vote per credential, replaced by a revote at
/// most once between commits, because every accepted revote costs every node a ballot proof.
/// </summary>
public sealed class SecretPendingVoteTests
{
    private const string ChainId = "secret-pool";
    private const string Election = "secret";
    private const long Start = 1_800_000_000_000;

    [Test]
    public void An_encrypted_revote_replaces_the_pending_vote_once_per_commit_and_the_latest_counts()
    {
        using var authority = Key(1);
        using var voter = Key(2);
        var (rules, state, jointKey) = Setup(authority, voter);
        var pool = new Mempool.Mempool(ChainId, rules, state, () => new BlockContext(state.Height + 1, Start + 5_000), new MempoolLimits());
        var votes = Enumerable.Range(1, 3).Select(sequence => Vote(voter, jointKey, choice: sequence % 2, (ulong)sequence)).ToList();
        var results = pool.SubmitMany(votes);

        Assert.That(results.Select(r => r.Rejection?.Code), Is.EqualTo(new RejectCode?[] { null, null, RejectCode.RevoteTooSoon }));
        Assert.That(results[1].Replaced, Is.EqualTo(results[0].TxId));
        Assert.That(pool.Count, Is.EqualTo(1));

        var block = pool.TakeForBlock(10, 1 << 20);
        Commit(state, rules, block);
        var ballot = state.GetBallot(Election, voter.PublicKey)!;
        Assert.That((ballot.Sequence, ballot.Counted, state.GetTally(Election)!.CountedWeight), Is.EqualTo((2UL, true, 2UL)));
    }

    [Test]
    public void A_ballot_whose_proofs_fail_is_remembered_by_its_bytes_and_a_credential_gets_two_checks_per_block()
    {
        using var authority = Key(1);
        using var voter = Key(2);
        var (rules, state, jointKey) = Setup(authority, voter);
        var pool = new Mempool.Mempool(ChainId, rules, state, () => new BlockContext(state.Height + 1, Start + 5_000), new MempoolLimits());

        // Well-formed ballots proven for weight 1, while the credential's weight is 2: every proof fails, and only the
        // full verification can tell.
        var bad = Enumerable.Range(1, 4).Select(sequence => Vote(voter, jointKey, choice: 0, (ulong)sequence, provenWeight: 1)).ToList();
        var before = SecretVoteRules.ProofVerifications;
        Assert.That(pool.Submit(bad[0]).Rejection?.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(1));

        // The same bytes again: refused by their hash, no check spent. Distinct ballots: one more check, then none
        // until a block.
        Assert.That(pool.Submit(bad[0]).Rejection?.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(pool.Submit(bad[1]).Rejection?.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(pool.Submit(bad[2]).Rejection?.Code, Is.EqualTo(RejectCode.RevoteTooSoon));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(2), "two checks per credential before a commit");

        pool.OnCommitted([]);
        Assert.That(pool.Submit(bad[3]).Rejection?.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(3), "one more after the commit");
    }

    [Test]
    public void A_flood_of_one_credentials_ballots_in_one_batch_costs_two_checks_and_stale_ones_none()
    {
        using var authority = Key(1);
        using var voter = Key(2);
        var (rules, state, jointKey) = Setup(authority, voter);
        var pool = new Mempool.Mempool(ChainId, rules, state, () => new BlockContext(state.Height + 1, Start + 5_000), new MempoolLimits());

        // Fifty distinct ballots of one credential (valid proofs, rising sequences) in one call: two are checked (a
        // vote and its one replacement), the rest refused before any check.
        var flood = Enumerable.Range(1, 50).Select(sequence => Vote(voter, jointKey, choice: sequence % 2, (ulong)sequence)).ToList();
        var before = SecretVoteRules.ProofVerifications;
        var results = pool.SubmitMany(flood);
        Assert.That(results.Take(2).All(r => r.Accepted), Is.True);
        Assert.That(results.Skip(2).Select(r => r.Rejection?.Code), Is.All.EqualTo(RejectCode.RevoteTooSoon));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.EqualTo(2));

        // Once the replacement (sequence 2) commits, a ballot with a stale sequence is refused by the cheap rules alone.
        Commit(state, rules, pool.TakeForBlock(10, 1 << 20));
        pool.OnCommitted([]);
        before = SecretVoteRules.ProofVerifications;
        Assert.That(pool.Submit(Vote(voter, jointKey, choice: 0, sequence: 1)).Rejection?.Code, Is.EqualTo(RejectCode.StaleSequence));
        Assert.That(SecretVoteRules.ProofVerifications - before, Is.Zero);
    }

    /// <summary>An election with a finished two-trustee key generation and one registered voter of weight 2.</summary>
    private static (RuleContext Rules, MemoryState State, GroupElement JointKey) Setup(Ed25519KeyPair authority, Ed25519KeyPair voter)
    {
        using var trustee1 = Key(3);
        using var trustee2 = Key(4);
        var rules = new RuleContext(ChainId, [authority.PublicKey]);
        var state = new MemoryState(Hashing.Sha256("genesis"u8));
        var create = new CreateElection
        {
            ElectionId = Election, Title = "Secret", OpensAtUnixMs = Start, ClosesAtUnixMs = Start + 3_600_000, AllowRevote = true,
            Secret = new SecretBallotSettings { Threshold = 2, KeyPhaseSeconds = 10, Trustees = { ByteString.CopyFrom(trustee1.PublicKey), ByteString.CopyFrom(trustee2.PublicKey) } },
            Options = { "yes", "no" },
        };
        var register = new RegisterVoters { ElectionId = Election, Voters = { new VoterEntry { Credential = ByteString.CopyFrom(voter.PublicKey), Weight = 2 } } };
        Commit(state, rules, [Sign(authority, new TxPayload { CreateElection = create }), Sign(authority, new TxPayload { RegisterVoters = register })]);

        // A finished key generation: two deals from known polynomials, two acknowledgements without complaints.
        var polynomials = new[] { ShamirPolynomial.Random(2), ShamirPolynomial.Random(2) };
        var secret = new SecretRecord();
        for (var i = 0; i < 2; i++)
        {
            secret.Deals.Add(new DealRecord { Dealer = (uint)i + 1, Commitments = { polynomials[i].Commitments().Select(c => ByteString.CopyFrom(c.ToArray())) } });
            secret.Acks.Add(new AckRecord { Trustee = (uint)i + 1 });
        }

        var overlay = new StateOverlay(state);
        overlay.PutSecret(Election, secret);
        Write(state, overlay.Changes());
        var jointKey = GroupElement.MultiplyBase(polynomials[0].Secret).Add(GroupElement.MultiplyBase(polynomials[1].Secret));

        return (rules, state, jointKey);
    }

    private static Ed25519KeyPair Key(int number)
    {
        var seed = new byte[Ed25519KeyPair.SeedSize];
        BitConverter.TryWriteBytes(seed, number);
        return Ed25519KeyPair.FromSeed(seed);
    }

    private static byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = ChainId;
        return TxSigning.Sign(signer, payload);
    }

    private static byte[] Vote(Ed25519KeyPair voter, GroupElement jointKey, int choice, ulong sequence, ulong provenWeight = 2)
    {
        var ballot = EncryptedBallot.Create(SecretContexts.Ballot(ChainId, Election, voter.PublicKey, provenWeight), jointKey, provenWeight,
            [choice == 0, choice == 1], 1, 1);
        var vote = new CastEncryptedVote
        {
            ElectionId = Election, Sequence = sequence, SumProof = ByteString.CopyFrom(ballot.SumProof),
            Ciphertexts = { ballot.Options.Select(c => ByteString.CopyFrom(c.ToArray())) },
            OptionProofs = { ballot.OptionProofs.Select(ByteString.CopyFrom) },
        };
        return Sign(voter, new TxPayload { CastEncryptedVote = vote });
    }

    private static void Commit(MemoryState state, RuleContext rules, IReadOnlyList<byte[]> envelopes) =>
        Commit(state, rules, [.. envelopes.Select(e => new TxDecoder(ChainId).Decode(e).Value!)]);

    private static void Commit(MemoryState state, RuleContext rules, List<VerifiedTx> transactions)
    {
        var result = BlockExecutor.Execute(state, rules, new BlockContext(state.Height + 1, Start + 1_000 * (long)state.Height), transactions);
        Assert.That(result.Rejection, Is.Null);
        Write(state, result.Value!.Changes, [.. transactions.Select(t => t.Id)]);
    }

    private static void Write(MemoryState state, IReadOnlyList<StateChange> changes, IReadOnlyList<byte[]>? txIds = null)
    {
        var height = state.Height + 1;
        var tree = BlockTreeChanges.Apply(state, height, changes, txIds ?? []);
        state.Apply(new BlockWrite(height, Hashing.Sha256(BitConverter.GetBytes(height)), [], txIds ?? [], changes, tree.NewRoot, tree));
    }
}
