using Google.Protobuf;
using VoteChain.Consensus.Audit;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// A secret election from end to end on a certified chain (key generation by the trustees' planner, encrypted votes,
/// a revote, decryption shares of two of three trustees, the result), replayed by the chain auditor: every proof is
/// verified again on replay, and the recount checks the encrypted sums and the result from the stored shares.
/// </summary>
public sealed class SecretAuditTests
{
    private const string Id = "secret";

    [Test]
    public void A_secret_election_replays_and_its_encrypted_sums_and_result_check_out_from_the_chain_alone()
    {
        using var chain = new AuditChainBuilder();
        using var alice = AuditChainBuilder.Key(10);
        using var bob = AuditChainBuilder.Key(11);
        TrusteeKey[] trustees = [.. Enumerable.Range(1, 3).Select(i => TrusteeKey.FromSeed(SecretTestChain.Seed(900 + i)))];
        try
        {
            var blocks = new List<byte[]>
            {
                chain.Block([Create(chain, trustees), chain.Register(Id, alice, bob)]),
                chain.Block([.. trustees.Select(t => Duty(chain, t, "deal"))]),
                chain.Block([.. trustees.Select(t => Duty(chain, t, "ack"))]),
            };

            var key = KeyGenerationStatus.Evaluate(chain.State.GetElection(Id)!, chain.State.GetSecret(Id), chain.Time).JointKey!;
            blocks.Add(chain.Block([Vote(chain, key, alice, 0, 1), Vote(chain, key, bob, 1, 1)]));
            blocks.Add(chain.Block([Vote(chain, key, alice, 1, 2)]));
            chain.Time = chain.State.GetElection(Id)!.Definition.ClosesAtUnixMs;
            // The close a trustee posts on an idle chain: the recount must agree with the flag it leaves in the tally.
            blocks.Add(chain.Block([chain.Sign(trustees[0].Signing, new TxPayload { CloseTally = new CloseTally { ElectionId = Id } })]));
            blocks.Add(chain.Block([Duty(chain, trustees[0], "decryption-shares"), Duty(chain, trustees[2], "decryption-shares")]));
            blocks.Add(chain.Block([Duty(chain, trustees[1], "result")]));

            var auditor = new ChainAuditor(chain.Genesis);
            foreach (var block in blocks)
            {
                Assert.That(auditor.Add(block), Is.Empty);
            }

            // Spreading signature and proof checks over threads (as the audit command does) changes nothing replayed.
            var parallel = new ChainAuditor(chain.Genesis, (count, body) => Parallel.For(0, count, body));
            foreach (var block in blocks)
            {
                Assert.That(parallel.Add(block), Is.Empty);
            }

            Assert.That(parallel.State.StateRoot, Is.EqualTo(auditor.State.StateRoot));
            var recount = ElectionRecount.All(auditor.State, auditor.ChainId).Single();
            Assert.Multiple(() =>
            {
                Assert.That(auditor.Votes, Is.EqualTo(3), "encrypted votes count as votes");
                Assert.That(recount.Agrees, Is.True);
                Assert.That(recount.ResultProblem, Is.Null);
                Assert.That(recount.Recounted.ResultPublished, Is.True);
                Assert.That(recount.Recounted.OptionWeights, Is.EqualTo(new ulong[] { 0, 4 }), "both voters (weight 2) on option 1 after the revote");
            });
        }
        finally
        {
            foreach (var trustee in trustees)
            {
                trustee.Dispose();
            }
        }
    }

    private static byte[] Create(AuditChainBuilder chain, TrusteeKey[] trustees)
    {
        var create = new CreateElection
        {
            ElectionId = Id, Title = "Secret", OpensAtUnixMs = chain.Time, ClosesAtUnixMs = chain.Time + 3_600_000, AllowRevote = true,
            Options = { "yes", "no" },
            Secret = new SecretBallotSettings { Threshold = 2, KeyPhaseSeconds = 60, Trustees = { trustees.Select(t => ByteString.CopyFrom(t.PublicKey)) } },
        };
        return chain.Sign(chain.Authority, new TxPayload { CreateElection = create });
    }

    /// <summary>The one transaction of <paramref name="step"/> the trustee's own planner says is due now.</summary>
    private static byte[] Duty(AuditChainBuilder chain, TrusteeKey trustee, string step)
    {
        var view = new TrusteeView(AuditChainBuilder.ChainId, GenesisHash.Of(chain.Genesis), chain.State.GetElection(Id)!,
            chain.State.GetSecret(Id), chain.State.GetTally(Id)!, chain.Time, chain.Time);
        var plan = step == "result" ? TrusteeDuties.Result(trustee, view) : TrusteeDuties.Plan(trustee, view);
        var duty = plan.Duties.Single(d => d.Step == step);
        return chain.Sign(trustee.Signing, duty.Payload);
    }

    private static byte[] Vote(AuditChainBuilder chain, GroupElement key, Ed25519KeyPair voter, int option, ulong sequence)
    {
        var ballot = EncryptedBallot.Create(SecretContexts.Ballot(AuditChainBuilder.ChainId, Id, voter.PublicKey, 2), key, 2,
            [option == 0, option == 1], 1, 1);
        var vote = new CastEncryptedVote
        {
            ElectionId = Id, Sequence = sequence, SumProof = ByteString.CopyFrom(ballot.SumProof),
            Ciphertexts = { ballot.Options.Select(c => ByteString.CopyFrom(c.ToArray())) },
            OptionProofs = { ballot.OptionProofs.Select(ByteString.CopyFrom) },
        };
        return chain.Sign(voter, new TxPayload { CastEncryptedVote = vote });
    }
}
