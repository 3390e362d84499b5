using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// An encrypted vote's receipt: counted now only when the node's ballot for the credential is this transaction and
/// holds exactly its ciphertexts. Judged from receipts built by hand (the secret vote rules are built elsewhere).
/// </summary>
public sealed class EncryptedReceiptStandingTests
{
    private static readonly GroupElement Key = GroupElement.MultiplyBase(Scalar.FromUInt64(11));

    private static (Receipt Receipt, RepeatedFieldCopy Ciphertexts) EncryptedVoteReceipt()
    {
        using var voter = Ed25519KeyPair.FromSeed(new byte[Ed25519KeyPair.SeedSize]);
        var vote = new CastEncryptedVote { ElectionId = "secret", Sequence = 1, SumProof = ByteString.CopyFrom(new byte[64]) };
        for (var i = 0; i < 2; i++)
        {
            vote.Ciphertexts.Add(ByteString.CopyFrom(ElGamal.Encrypt(Key, 1).Ciphertext.ToArray()));
            vote.OptionProofs.Add(ByteString.CopyFrom(new byte[128]));
        }

        var envelope = ApiChain.Sign(voter, new TxPayload { CastEncryptedVote = vote });
        var txId = Hashing.Sha256(envelope);
        var receipt = new Receipt
        {
            TxId = ByteString.CopyFrom(txId),
            Envelope = ByteString.CopyFrom(envelope),
            Standing = new VoteStanding
            {
                Height = 9,
                Credential = new CredentialRecord { Weight = 1 },
                Ballot = new BallotRecord { Sequence = 1, TxId = ByteString.CopyFrom(txId), Height = 5, Counted = true, Ciphertexts = { vote.Ciphertexts } },
            },
        };
        return (receipt, new RepeatedFieldCopy([.. vote.Ciphertexts]));
    }

    [Test]
    public void The_counted_ballot_with_these_ciphertexts_counts()
    {
        var (receipt, _) = EncryptedVoteReceipt();

        var verdict = ReceiptStanding.Judge(receipt);

        Assert.That((verdict.CountedNow, verdict.CiphertextsMatch, verdict.AsOfHeight), Is.EqualTo(((bool?)true, (bool?)true, (ulong?)9)));
        Assert.That(verdict.Sentence, Does.Contain("ciphertexts are the ones counted"));
    }

    [Test]
    public void Other_ciphertexts_under_the_same_transaction_do_not_count()
    {
        var (receipt, ciphertexts) = EncryptedVoteReceipt();
        receipt.Standing.Ballot.Ciphertexts[1] = ciphertexts.Items[0];

        var verdict = ReceiptStanding.Judge(receipt);

        Assert.That((verdict.CountedNow, verdict.CiphertextsMatch), Is.EqualTo(((bool?)false, (bool?)false)));
        Assert.That(verdict.Sentence, Does.Contain("holds other ciphertexts"));
    }

    [Test]
    public void A_later_encrypted_revote_replaces_it()
    {
        var (receipt, _) = EncryptedVoteReceipt();
        receipt.Standing.Ballot.TxId = ByteString.CopyFrom(new byte[32]);
        receipt.Standing.Ballot.Sequence = 2;
        receipt.Standing.Ballot.Ciphertexts.Clear();
        receipt.Standing.Ballot.Ciphertexts.Add(ByteString.CopyFrom(ElGamal.Encrypt(Key, 0).Ciphertext.ToArray()));

        var verdict = ReceiptStanding.Judge(receipt);

        Assert.That((verdict.CountedNow, verdict.CiphertextsMatch), Is.EqualTo(((bool?)false, (bool?)false)));
        Assert.That(verdict.Sentence, Does.Contain("a later vote of this credential (sequence 2"));
    }

    /// <summary>The envelope's ciphertexts, kept apart from the receipt so a test can change the standing's copy.</summary>
    private sealed record RepeatedFieldCopy(IReadOnlyList<ByteString> Items);
}
