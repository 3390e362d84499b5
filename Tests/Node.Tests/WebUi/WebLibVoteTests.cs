using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// Votes made by the page library (Node/Web/ui/src/lib/vote.js) in Node.js, judged by the node's own code: the
/// TxDecoder (canonical envelope, signature, chain) and, for secret elections, the ballot checks the rules run.
/// </summary>
[NonParallelizable]
public sealed class WebLibVoteTests
{
    private const string Chain = "web-lib-chain-é"; // not only ASCII: the length prefix counts UTF-8 bytes
    private const string Election = "referendum-1";
    private const string Seed = "8f3a5c1e0b2d4f6a7c9e1b3d5f7a9c0e2b4d6f8a1c3e5a7b9d0f2a4c6e8b0d1f";

    private WebLibTool _tool = null!;

    [OneTimeSetUp]
    public void StartTool() => _tool = WebLibTool.Start();

    [OneTimeTearDown]
    public void StopTool() => _tool.Dispose();

    [TestCase(0u, 1UL)]
    [TestCase(7u, 1UL << 40)]
    public void A_plain_vote_is_the_envelope_the_node_itself_would_write(uint option, ulong sequence)
    {
        var answer = _tool.Result(new { op = "sign-vote", chainId = Chain, electionId = Election, option, sequence = sequence.ToString(), seed = Seed });
        var envelope = Convert.FromHexString(answer["envelope"]!.GetValue<string>());

        var decoded = new TxDecoder(Chain).Decode(envelope);

        Assert.That(decoded.Rejection, Is.Null);
        using var key = Ed25519KeyPair.FromSeed(Convert.FromHexString(Seed));
        Assert.That(decoded.Value!.Signer, Is.EqualTo(key.PublicKey));
        Assert.That(decoded.Value.Payload.CastVote, Is.EqualTo(new CastVote { ElectionId = Election, Option = option, Sequence = sequence }));
        Assert.That(answer["txId"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(decoded.Value.Id)));
        // Ed25519 is deterministic: the same payload signed by the C# signer gives the very same bytes.
        var payload = new TxPayload { ChainId = Chain, CastVote = new CastVote { ElectionId = Election, Option = option, Sequence = sequence } };
        Assert.That(envelope, Is.EqualTo(TxSigning.Sign(key, payload)));
    }

    [Test]
    public void A_vote_signed_for_another_chain_is_refused_by_the_node()
    {
        var answer = _tool.Result(new { op = "sign-vote", chainId = "another-chain", electionId = Election, option = 1, sequence = 1, seed = Seed });

        var decoded = new TxDecoder(Chain).Decode(Convert.FromHexString(answer["envelope"]!.GetValue<string>()));

        Assert.That(decoded.Rejection?.Code, Is.EqualTo(RejectCode.WrongChain));
    }

    [TestCase(-1, 1, "is not an option number")]
    [TestCase(1, 0, "sequence number starts at 1")]
    public void The_library_refuses_a_vote_the_rules_could_never_take(int option, int sequence, string words)
    {
        var error = _tool.Error(new { op = "sign-vote", chainId = Chain, electionId = Election, option, sequence, seed = Seed });

        Assert.That(error, Does.Contain(words));
    }

    [Test]
    public void A_seed_of_the_wrong_length_is_refused()
    {
        var error = _tool.Error(new { op = "sign-vote", chainId = Chain, electionId = Election, option = 1, sequence = 1, seed = "00ff" });

        Assert.That(error, Is.EqualTo("The voter's seed is not 32 bytes."));
    }

    [TestCase(3, 1u, 1u, 1UL, new[] { 2 }, TestName = "One of k")]
    [TestCase(5, 1u, 3u, 1UL, new[] { 0, 3, 4 }, TestName = "Approval, max marks")]
    [TestCase(5, 2u, 3u, 1UL, new[] { 1, 2 }, TestName = "Approval, min marks")]
    [TestCase(4, 0u, 2u, 7UL, new int[0], TestName = "Blank allowed, weight 7")]
    [TestCase(4, 1u, 2u, 1000UL, new[] { 0, 1 }, TestName = "Weight 1000, two marks")]
    public void An_encrypted_ballot_passes_the_rules_and_decrypts_to_the_marks(int options, uint min, uint max, ulong weight, int[] marks)
    {
        var key = ElGamalKeyPair.Generate();
        var election = SecretElection(options, min, max);

        var vote = DecodedEncryptedVote(election, key.PublicKey, weight, marks);

        var (ballot, problem) = Parse(vote.Payload.CastEncryptedVote, options, min, max);
        Assert.That(problem, Is.Null);
        Assert.That(ballot!.Verify(SecretContexts.Ballot(Chain, Election, vote.Signer, weight), key.PublicKey, weight, options, (int)min, (int)max),
            Is.True);
        Assert.That(vote.Payload.CastEncryptedVote.Sequence, Is.EqualTo(3UL));
        for (var i = 0; i < options; i++)
        {
            var expected = GroupElement.MultiplyBase(Scalar.FromUInt64(marks.Contains(i) ? weight : 0));
            Assert.That(ElGamal.DecryptToElement(key.Secret, ballot.Options[i]), Is.EqualTo(expected), $"option {i}");
        }
    }

    [Test]
    public void A_ballot_with_more_marks_than_the_election_takes_is_refused_by_the_rules()
    {
        // The library checks the bounds it is given; told the election takes two marks when it takes one, it proves
        // a sum of two, which the node's check for exactly one refuses (same proof size, so it fails on the proof).
        var key = ElGamalKeyPair.Generate();
        var vote = DecodedEncryptedVote(SecretElection(3, 2, 2), key.PublicKey, 1, [0, 1]);

        var (ballot, problem) = Parse(vote.Payload.CastEncryptedVote, 3, 1, 1);

        Assert.That(problem, Is.Null);
        Assert.That(ballot!.Verify(SecretContexts.Ballot(Chain, Election, vote.Signer, 1), key.PublicKey, 1, 3, 1, 1), Is.False);
    }

    [Test]
    public void A_ballot_proves_nothing_for_another_weight_credential_or_key()
    {
        var key = ElGamalKeyPair.Generate();
        var vote = DecodedEncryptedVote(SecretElection(3, 1, 1), key.PublicKey, 2, [1]);
        var (ballot, _) = Parse(vote.Payload.CastEncryptedVote, 3, 1, 1);
        using var stranger = Ed25519KeyPair.FromSeed(new byte[32]);

        Assert.That(ballot!.Verify(SecretContexts.Ballot(Chain, Election, vote.Signer, 2), key.PublicKey, 2, 3, 1, 1), Is.True);
        Assert.That(ballot.Verify(SecretContexts.Ballot(Chain, Election, vote.Signer, 1), key.PublicKey, 1, 3, 1, 1), Is.False);
        Assert.That(ballot.Verify(SecretContexts.Ballot(Chain, Election, stranger.PublicKey, 2), key.PublicKey, 2, 3, 1, 1), Is.False);
        Assert.That(ballot.Verify(SecretContexts.Ballot(Chain, Election, vote.Signer, 2), ElGamalKeyPair.Generate().PublicKey, 2, 3, 1, 1),
            Is.False);
    }

    [TestCase(new[] { 0, 1 }, "takes exactly 1 choice(s) per ballot; 2 marked")]
    [TestCase(new[] { 3 }, "is not one of the election's 3 options")]
    [TestCase(new[] { 1, 1 }, "is marked twice")]
    public void The_library_refuses_marks_the_election_does_not_take(int[] marks, string words)
    {
        var error = _tool.Error(EncryptRequest(SecretElection(3, 1, 1), ElGamalKeyPair.Generate().PublicKey, 1, marks));

        Assert.That(error, Does.Contain(words));
    }

    [Test]
    public void The_library_refuses_an_identity_or_malformed_joint_key()
    {
        var election = SecretElection(3, 1, 1);

        Assert.That(_tool.Error(EncryptRequest(election, GroupElement.Identity, 1, [0])), Does.Contain("identity"));
        Assert.That(_tool.Error(EncryptRequest(election, null, 1, [0])), Does.Contain("not a canonical ristretto255 point"));
    }

    private VerifiedTx DecodedEncryptedVote(ElectionRecord election, GroupElement jointKey, ulong weight, int[] marks)
    {
        var answer = _tool.Result(EncryptRequest(election, jointKey, weight, marks));
        var decoded = new TxDecoder(Chain).Decode(Convert.FromHexString(answer["envelope"]!.GetValue<string>()));
        Assert.That(decoded.Rejection, Is.Null);
        Assert.That(decoded.Value!.Payload.KindCase, Is.EqualTo(TxPayload.KindOneofCase.CastEncryptedVote));
        return decoded.Value;
    }

    /// <summary>The request as the page makes it: the election record as the JSON API returns it (proto3 JSON).</summary>
    private static object EncryptRequest(ElectionRecord election, GroupElement? jointKey, ulong weight, int[] marks) => new
    {
        op = "encrypt-vote",
        chainId = Chain,
        electionId = Election,
        sequence = "3",
        seed = Seed,
        election = System.Text.Json.Nodes.JsonNode.Parse(JsonFormatter.Default.Format(election)),
        // Not a point: 32 bytes of 0xff are above the field prime.
        jointKey = jointKey is null ? new string('f', 64) : jointKey.ToString(),
        weight = weight.ToString(),
        marks,
    };

    private static ElectionRecord SecretElection(int options, uint min, uint max)
    {
        var definition = new CreateElection { ElectionId = Election, Title = "Referendum" };
        definition.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        return new ElectionRecord { Definition = definition, Secret = new SecretBallotSettings { MinChoices = min, MaxChoices = max } };
    }

    private static (EncryptedBallot? Ballot, string? Problem) Parse(CastEncryptedVote vote, int options, uint min, uint max)
    {
        var problem = BallotEncoding.TryParse([.. vote.Ciphertexts.Select(c => c.Memory)], [.. vote.OptionProofs.Select(p => p.Memory)],
            vote.SumProof.Span, options, (int)min, (int)max, out var ballot);
        return (ballot, problem);
    }
}
