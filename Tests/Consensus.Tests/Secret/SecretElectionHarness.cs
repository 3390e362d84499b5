using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// A secret election on a <see cref="TestChain"/>: created by the real CreateElection rule with explicit trustee keys,
/// its key generation written straight into state as a finished transcript (T-of-n deals from known polynomials, n
/// acknowledgements without complaints), so the tests know every trustee's secret share and can decrypt.
/// </summary>
internal sealed class SecretElectionHarness : IDisposable
{
    public const string Id = "secret";
    public const uint KeyPhaseSeconds = 10;

    public SecretElectionHarness(int trustees = 3, uint threshold = 2, int options = 3, uint min = 0, uint max = 0,
        bool allowRevote = true, bool finishKeyGeneration = true)
    {
        Chain = new TestChain();
        Trustees = [.. Enumerable.Range(0, trustees).Select(i => Chain.Key(500_000 + i))];
        OptionCount = options;
        ClosesAt = TestChain.Start + 3_600_000;
        var create = new CreateElection
        {
            ElectionId = Id,
            Title = "A secret election",
            OpensAtUnixMs = TestChain.Start,
            ClosesAtUnixMs = ClosesAt,
            AllowRevote = allowRevote,
            Secret = new SecretBallotSettings { Threshold = threshold, MinChoices = min, MaxChoices = max, KeyPhaseSeconds = KeyPhaseSeconds },
        };
        create.Secret.Trustees.AddRange(Trustees.Select(t => ByteString.CopyFrom(t.PublicKey)));
        create.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        Chain.CommitOk(Chain.Signed(Chain.Authority, new TxPayload { CreateElection = create }));
        Settings = Chain.State.GetElection(Id)!.Secret;

        Polynomials = [.. Enumerable.Range(0, trustees).Select(_ => ShamirPolynomial.Random((int)Settings.Threshold))];
        TrusteeShares = [.. Enumerable.Range(1, trustees).Select(j =>
            Polynomials.Aggregate(Scalar.Zero, (sum, f) => sum.Add(f.Evaluate((uint)j))))];
        JointKey = Polynomials.Aggregate(GroupElement.Identity, (sum, f) => sum.Add(GroupElement.MultiplyBase(f.Secret)));
        if (finishKeyGeneration)
        {
            FinishKeyGeneration();
        }
    }

    public TestChain Chain { get; }

    public Ed25519KeyPair[] Trustees { get; }

    public ShamirPolynomial[] Polynomials { get; }

    /// <summary>x_j = Σ_i f_i(j): trustee j's share of the joint secret (index j - 1).</summary>
    public Scalar[] TrusteeShares { get; }

    public GroupElement JointKey { get; }

    public SecretBallotSettings Settings { get; }

    public int OptionCount { get; }

    public long ClosesAt { get; }

    /// <summary>Writes every trustee's deal and a complaint-free acknowledgement into state, as one block of changes.</summary>
    public void FinishKeyGeneration()
    {
        var secret = new SecretRecord();
        for (var i = 0; i < Polynomials.Length; i++)
        {
            var deal = new DealRecord { Dealer = (uint)(i + 1), Height = Chain.State.Height };
            deal.Commitments.AddRange(Polynomials[i].Commitments().Select(c => ByteString.CopyFrom(c.ToArray())));
            secret.Deals.Add(deal);
        }

        secret.Acks.AddRange(Enumerable.Range(1, Polynomials.Length).Select(j => new AckRecord { Trustee = (uint)j, Height = Chain.State.Height }));
        WriteSecret(secret);
    }

    public void WriteSecret(SecretRecord secret)
    {
        var overlay = new StateOverlay(Chain.State);
        overlay.PutSecret(Id, secret);
        var changes = overlay.Changes();
        var height = Chain.State.Height + 1;
        var tree = BlockTreeChanges.Apply(Chain.State, height, changes, []);
        Chain.State.Apply(new BlockWrite(height, Hashing.Sha256(BitConverter.GetBytes(height)), [], [], changes, tree.NewRoot, tree));
    }

    public VerifiedTx Register(params (Ed25519KeyPair Voter, ulong Weight)[] voters) =>
        Chain.Register(Id, [.. voters.Select(v => ((ISigner)v.Voter, v.Weight))]);

    /// <summary>An honest encrypted vote: <paramref name="chosen"/> are the marked options.</summary>
    public CastEncryptedVote Ballot(Ed25519KeyPair voter, ulong weight, int[] chosen, ulong sequence = 1,
        string? contextElection = null, byte[]? contextCredential = null, ulong? contextWeight = null, GroupElement? key = null)
    {
        var context = SecretContexts.Ballot(TestChain.ChainId, contextElection ?? Id, contextCredential ?? voter.PublicKey,
            contextWeight ?? weight);
        var choices = Enumerable.Range(0, OptionCount).Select(chosen.Contains).ToList();
        var ballot = EncryptedBallot.Create(context, key ?? JointKey, contextWeight ?? weight, choices,
            (int)Settings.MinChoices, (int)Settings.MaxChoices);
        var vote = new CastEncryptedVote { ElectionId = Id, Sequence = sequence, SumProof = ByteString.CopyFrom(ballot.SumProof) };
        vote.Ciphertexts.AddRange(ballot.Options.Select(c => ByteString.CopyFrom(c.ToArray())));
        vote.OptionProofs.AddRange(ballot.OptionProofs.Select(ByteString.CopyFrom));
        return vote;
    }

    public VerifiedTx Vote(Ed25519KeyPair voter, CastEncryptedVote vote) =>
        Chain.Signed(voter, new TxPayload { CastEncryptedVote = vote });

    public VerifiedTx Vote(Ed25519KeyPair voter, ulong weight, int[] chosen, ulong sequence = 1) =>
        Vote(voter, Ballot(voter, weight, chosen, sequence));

    /// <summary>Moves block time to the close, when decryption may start.</summary>
    public void Close() => Chain.Time = Math.Max(Chain.Time, ClosesAt);

    public Ciphertext[] Sums() =>
        [.. Chain.Tally(Id).OptionCiphertexts.Select(c => Ciphertext.TryParse(c.Span, out var parsed) ? parsed : throw new AssertionException("bad sum"))];

    /// <summary>Trustee j's honest decryption shares of the current sums (identity and no proof where A is the identity).</summary>
    public DecryptionShares Shares(uint trustee, Scalar? secretShare = null, uint? contextTrustee = null, Func<int, int>? contextOption = null)
    {
        var x = secretShare ?? TrusteeShares[trustee - 1];
        var k = GroupElement.MultiplyBase(TrusteeShares[trustee - 1]);
        var post = new DecryptionShares { ElectionId = Id };
        var sums = Sums();
        for (var i = 0; i < sums.Length; i++)
        {
            if (sums[i].A.IsIdentity)
            {
                post.Shares.Add(ByteString.CopyFrom(GroupElement.Identity.ToArray()));
                post.Proofs.Add(ByteString.Empty);
                continue;
            }

            var context = SecretContexts.DecryptionShare(TestChain.ChainId, Id, contextTrustee ?? trustee, contextOption?.Invoke(i) ?? i);
            var share = DecryptionShare.Create(context, trustee, x, k, sums[i]);
            post.Shares.Add(ByteString.CopyFrom(share.D.ToArray()));
            post.Proofs.Add(ByteString.CopyFrom(share.Proof));
        }

        return post;
    }

    public VerifiedTx Post(uint trustee, DecryptionShares shares, Ed25519KeyPair? signer = null) =>
        Chain.Signed(signer ?? Trustees[trustee - 1], new TxPayload { DecryptionShares = shares });

    public VerifiedTx Publish(IEnumerable<ulong> weights, ISigner? signer = null)
    {
        var publish = new PublishResult { ElectionId = Id };
        publish.OptionWeights.AddRange(weights);
        return Chain.Signed(signer ?? Chain.Authority, new TxPayload { PublishResult = publish });
    }

    /// <summary>
    /// Decrypts the current sums from the shares of <paramref name="trustees"/> (computed here from the known secret
    /// shares) by Lagrange combination and a discrete log up to <paramref name="bound"/>.
    /// </summary>
    public ulong[] Decrypt(IReadOnlyList<uint> trustees, ulong bound)
    {
        var table = new DiscreteLogTable(bound);
        return [.. Sums().Select((sum, i) =>
        {
            var shares = trustees.Select(j => new DecryptionShare(j, sum.A.Multiply(TrusteeShares[j - 1]), [])).ToList();
            Assert.That(ThresholdDecryption.TryCombine(sum, shares, out var element), Is.True);
            Assert.That(table.TrySolve(element, out var value), Is.True, $"option {i} does not decrypt within {bound}");
            return value;
        })];
    }

    public void Dispose() => Chain.Dispose();
}
