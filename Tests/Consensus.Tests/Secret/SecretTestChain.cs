using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Secret;

/// <summary>
/// A <see cref="TestChain"/> with one secret election and its trustees' keys: trustee i (from 1) is
/// <see cref="Trustees"/>[i - 1]. Transactions go through the real signing, decoder, block executor and rules.
/// </summary>
internal sealed class SecretTestChain : IDisposable
{
    public const string ElectionId = "secret";
    public const uint PhaseSeconds = 60;
    public const long PhaseMs = PhaseSeconds * 1000L;
    public const long ClosesAt = TestChain.Start + 3_600_000;

    public SecretTestChain(int trustees = 4, uint threshold = 3, int options = 3)
    {
        Chain = new TestChain();
        Trustees = [.. Enumerable.Range(1, trustees).Select(i => TrusteeKey.FromSeed(Seed(700 + i)))];
        Chain.CommitOk(CreateElection(ElectionId, threshold, options));
    }

    public TestChain Chain { get; }

    public TrusteeKey[] Trustees { get; }

    public long CreatedAt => Election.CreatedAtUnixMs;

    public ElectionRecord Election => Chain.State.GetElection(ElectionId)!;

    /// <summary>When a trustee acknowledges if not every trustee dealt: the dealing deadline and the planner's grace.</summary>
    public long AckTime => CreatedAt + PhaseMs + TrusteeDuties.AckGraceMs(Election.Secret);

    public SecretRecord Secret => Chain.State.GetSecret(ElectionId) ?? new SecretRecord();

    public KeyGenerationStatus Status => KeyGenerationStatus.Evaluate(Election, Chain.State.GetSecret(ElectionId), Chain.Time);

    public static byte[] Seed(int number)
    {
        var seed = new byte[TrusteeKey.SeedSize];
        BitConverter.TryWriteBytes(seed, number);
        seed[31] = 0x5e; // apart from TestChain's voter and authority seeds
        return seed;
    }

    public VerifiedTx CreateElection(string id, uint threshold, int options = 3)
    {
        var settings = new SecretBallotSettings { Threshold = threshold, KeyPhaseSeconds = PhaseSeconds };
        settings.Trustees.AddRange(Trustees.Select(t => ByteString.CopyFrom(t.PublicKey)));
        var create = new CreateElection
        {
            ElectionId = id,
            Title = $"Secret {id}",
            OpensAtUnixMs = TestChain.Start,
            ClosesAtUnixMs = ClosesAt,
            Secret = settings,
        };
        create.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        return Chain.Signed(Chain.Authority, new TxPayload { CreateElection = create });
    }

    /// <summary>The genesis hash the trustees bind their dealing to (TestChain has no genesis block of its own).</summary>
    public static readonly byte[] GenesisHash = Hashing.Sha256("secret test genesis"u8);

    /// <summary>What trustee <paramref name="trustee"/> sees at <see cref="TestChain.Time"/>, with the committed head block
    /// stamped <paramref name="headTime"/> (by default that same time: the tests commit at the time they plan).</summary>
    public TrusteeView View(TallyRecord? tally = null, SecretRecord? secret = null, long? headTime = null) =>
        new(TestChain.ChainId, GenesisHash, Election, secret ?? Chain.State.GetSecret(ElectionId), tally ?? Chain.Tally(ElectionId),
            headTime ?? Chain.Time, Chain.Time);

    /// <summary>Everything due, the result included (<see cref="TrusteeDuties.Plan"/> then <see cref="TrusteeDuties.Result"/>).</summary>
    public TrusteePlan Plan(int trustee, TallyRecord? tally = null, SecretRecord? secret = null, long? headTime = null)
    {
        var view = View(tally, secret, headTime);
        var plan = TrusteeDuties.Plan(Trustees[trustee - 1], view);
        if (!plan.ResultDue)
        {
            return plan;
        }

        var result = TrusteeDuties.Result(Trustees[trustee - 1], view);
        var problems = new[] { plan.Problem, result.Problem }.OfType<string>().ToList();
        return new TrusteePlan([.. plan.Duties, .. result.Duties], problems.Count == 0 ? null : string.Join(" ", problems), true);
    }

    /// <summary>The one duty of <paramref name="step"/> the planner gives trustee <paramref name="trustee"/> now.</summary>
    public TxPayload Duty(int trustee, string step)
    {
        var duties = Plan(trustee).Duties.Where(d => d.Step == step).ToList();
        Assert.That(duties, Has.Count.EqualTo(1), () => $"trustee {trustee} should have one '{step}' due");
        return duties[0].Payload;
    }

    public VerifiedTx Signed(int trustee, TxPayload payload) => Chain.Signed(Trustees[trustee - 1].Signing, payload);

    /// <summary>Plans, signs and commits one step for each listed trustee, all in one block.</summary>
    public void Post(string step, params int[] trustees) =>
        Chain.CommitOk([.. trustees.Select(t => Signed(t, Duty(t, step)))]);

    public Rejection? Commit(int trustee, TxPayload payload) => Chain.Commit(Signed(trustee, payload));

    public ShamirPolynomial Polynomial(int trustee) =>
        Trustees[trustee - 1].DealingPolynomial(DealingContext.For(TestChain.ChainId, GenesisHash, Election), (int)Election.Secret.Threshold);

    /// <summary>x_j from the dealers' polynomials directly, the value the protocol should give trustee j.</summary>
    public Scalar ExpectedSecretShare(int trustee, IEnumerable<int> dealers) =>
        dealers.Aggregate(Scalar.Zero, (sum, i) => sum.Add(Polynomial(i).Evaluate((uint)trustee)));

    /// <summary>Every trustee in the list deals, then every one acknowledges (with what its planner finds).</summary>
    public void RunHonestKeyGeneration(params int[] trustees)
    {
        Post("deal", trustees);
        if (trustees.Length < Trustees.Length)
        {
            Chain.Time = AckTime;
        }

        Post("ack", trustees);
    }

    public void Dispose()
    {
        foreach (var trustee in Trustees)
        {
            trustee.Dispose();
        }

        Chain.Dispose();
    }
}
