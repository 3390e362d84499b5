using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// A secret election as the chain would hold it once its key generation is over, built with the real core: every
/// trustee deals a Shamir polynomial (commitments stored as the rules would), every trustee acknowledges with no
/// complaint, so <see cref="KeyGenerationStatus"/> finds the key final. Ballots encrypt under the joint key and sum
/// into a tally; trustees' decryption shares use their real key shares. Linked into the Networking and Node tests,
/// so it names only public API. Trustee keys are placeholders: nothing here seals or signs.
/// </summary>
internal sealed class SecretElectionFixture
{
    private readonly ShamirPolynomial[] _polynomials;
    private readonly Dictionary<int, ulong> _expected = [];

    public SecretElectionFixture(string chainId, string electionId, int trustees, uint threshold, int options,
        long createdAtUnixMs = 1_800_000_000_000, uint minChoices = 1, uint maxChoices = 1)
    {
        ChainId = chainId;
        var settings = new SecretBallotSettings
        {
            Threshold = threshold,
            MinChoices = minChoices,
            MaxChoices = maxChoices,
            KeyPhaseSeconds = 60,
        };
        settings.Trustees.AddRange(Enumerable.Range(1, trustees).Select(i => ByteString.CopyFrom(Enumerable.Repeat((byte)i, 32).ToArray())));
        var definition = new CreateElection
        {
            ElectionId = electionId,
            Title = "Secret " + electionId,
            OpensAtUnixMs = createdAtUnixMs,
            ClosesAtUnixMs = createdAtUnixMs + 3_600_000,
            Secret = settings,
        };
        definition.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        Election = new ElectionRecord { Definition = definition, Secret = settings, CreatedAtUnixMs = createdAtUnixMs, CreatedHeight = 1 };

        _polynomials = [.. Enumerable.Range(0, trustees).Select(_ => ShamirPolynomial.Random((int)threshold))];
        Secret = new SecretRecord();
        for (var i = 0; i < trustees; i++)
        {
            var deal = new DealRecord { Dealer = (uint)(i + 1), Height = 2 };
            deal.Commitments.AddRange(_polynomials[i].Commitments().Select(c => ByteString.CopyFrom(c.ToArray())));
            Secret.Deals.Add(deal);
        }

        for (var j = 1; j <= trustees; j++)
        {
            Secret.Acks.Add(new AckRecord { Trustee = (uint)j, Height = 3 });
        }

        Key = KeyGenerationStatus.Evaluate(Election, Secret, createdAtUnixMs + 1);
        JointKey = Key.JointKey ?? throw new InvalidOperationException("the fixture's key generation did not finish");
        Tally = new TallyRecord { Secret = true };
        Tally.OptionWeights.AddRange(new ulong[options]);
        Tally.OptionCiphertexts.AddRange(Enumerable.Range(0, options).Select(_ => ByteString.CopyFrom(Ciphertext.Zero.ToArray())));
    }

    public string ChainId { get; }

    public string ElectionId => Election.Definition.ElectionId;

    public ElectionRecord Election { get; }

    public SecretRecord Secret { get; }

    public KeyGenerationStatus Key { get; }

    public GroupElement JointKey { get; }

    public TallyRecord Tally { get; }

    /// <summary>The plaintext weights the ballots added so far: what a correct decryption must give.</summary>
    public ulong[] Expected => [.. Enumerable.Range(0, Election.Definition.Options.Count).Select(i => _expected.GetValueOrDefault(i))];

    /// <summary>Trustee j's key share x_j = Σ over dealers of f_i(j).</summary>
    public Scalar KeyShare(uint trustee) =>
        _polynomials.Aggregate(Scalar.Zero, (sum, p) => sum.Add(p.Evaluate(trustee)));

    /// <summary>Adds one counted ballot of <paramref name="weight"/> for the chosen options to the encrypted tally.</summary>
    public void Cast(ulong weight, params int[] chosen)
    {
        for (var i = 0; i < Tally.OptionCiphertexts.Count; i++)
        {
            var value = chosen.Contains(i) ? weight : 0;
            var (ciphertext, _) = ElGamal.Encrypt(JointKey, value);
            _ = Ciphertext.TryParse(Tally.OptionCiphertexts[i].Span, out var sum);
            Tally.OptionCiphertexts[i] = ByteString.CopyFrom(sum.Add(ciphertext).ToArray());
            _expected[i] = _expected.GetValueOrDefault(i) + value;
        }

        Tally.CountedBallots++;
        Tally.CountedWeight += weight;
        Tally.RegisteredCredentials++;
        Tally.RegisteredWeight += weight;
    }

    /// <summary>Trustee j's honest decryption shares of the current tally, as the chain would store them.</summary>
    public ShareRecord Shares(uint trustee)
    {
        var record = new ShareRecord { Trustee = trustee, Height = 10 };
        var secret = KeyShare(trustee);
        var verificationKey = Key.VerificationKey(trustee);
        for (var i = 0; i < Tally.OptionCiphertexts.Count; i++)
        {
            _ = Ciphertext.TryParse(Tally.OptionCiphertexts[i].Span, out var sum);
            if (sum.A.IsIdentity)
            {
                record.Shares.Add(ByteString.CopyFrom(GroupElement.Identity.ToArray()));
                record.Proofs.Add(ByteString.Empty);
                continue;
            }

            var share = DecryptionShare.Create(SecretContexts.DecryptionShare(ChainId, ElectionId, trustee, i), trustee, secret,
                verificationKey, sum);
            record.Shares.Add(ByteString.CopyFrom(share.D.ToArray()));
            record.Proofs.Add(ByteString.CopyFrom(share.Proof));
        }

        return record;
    }

    /// <summary>Stores shares of the given trustees and publishes <paramref name="weights"/> (default: the true result).</summary>
    public void Publish(IEnumerable<uint> trustees, ulong[]? weights = null)
    {
        Secret.DecryptionShares.AddRange(trustees.Order().Select(Shares));
        Tally.OptionWeights.Clear();
        Tally.OptionWeights.AddRange(weights ?? Expected);
        Tally.ResultPublished = true;
        Tally.ResultHeight = 11;
    }
}
