using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests.Anonymous;

/// <summary>
/// The rules of an anonymous election, each tried the way a cheat would: a roll entry voting, an issuer serving twice
/// or without the voter's request, self-made and altered signatures, a weight claimed above the one signed, more
/// credentials than identities served, and an authority revoking what it must not.
/// </summary>
public sealed class AnonymousRulesTests
{
    private AnonymousTestChain _anon = null!;

    private TestChain Chain => _anon.Chain;

    [SetUp]
    public void SetUp()
    {
        _anon = new AnonymousTestChain();
        Chain.CommitOk(_anon.Create(allowRevote: true));
    }

    [TearDown]
    public void TearDown() => _anon.Dispose();

    [Test]
    public void A_roll_served_by_every_issuer_registers_credentials_that_vote_and_are_counted()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 5)));
        Chain.CommitOk([.. _anon.ServedByAll(alice, 1), .. _anon.ServedByAll(bob, 5)]);
        _anon.OpenRegistration();
        var (aliceCredential, bobCredential) = (Chain.Key(101), Chain.Key(102));
        Chain.CommitOk(_anon.Register(bobCredential, 5), _anon.Register(aliceCredential, 1));
        Chain.CommitOk(Chain.Vote(AnonymousTestChain.Id, aliceCredential, 0), Chain.Vote(AnonymousTestChain.Id, bobCredential, 2));

        var tally = Chain.Tally(AnonymousTestChain.Id);
        Assert.That(tally.OptionWeights, Is.EqualTo(new ulong[] { 1, 0, 5 }));
        Assert.That((tally.RegisteredWeight, tally.RegisteredCredentials), Is.EqualTo((6UL, 2UL)), "the roll's sums, not counted twice");
        Assert.That(Chain.State.GetCredential(AnonymousTestChain.Id, bobCredential.PublicKey)!.Anonymous, Is.True);
        var fives = Chain.State.GetIssuance(AnonymousTestChain.Id, 5)!;
        Assert.That((fives.Served, fives.Registered), Is.EqualTo((1UL, 1UL)));
    }

    [Test]
    public void A_roll_entry_cannot_vote()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1)));
        Assert.That(Chain.Commit(Chain.Vote(AnonymousTestChain.Id, alice, 0))!.Code, Is.EqualTo(RejectCode.RollOnly));
    }

    [Test]
    public void An_issuer_serves_a_roll_entry_once_even_within_one_block()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1)));
        Assert.That(Chain.Commit(_anon.Served(0, alice, 1), _anon.Served(0, alice, 1))!.Code, Is.EqualTo(RejectCode.AlreadyServed));
        Chain.CommitOk(_anon.Served(0, alice, 1));
        Assert.That(Chain.Commit(_anon.Served(0, alice, 1))!.Code, Is.EqualTo(RejectCode.AlreadyServed));
    }

    [Test]
    public void A_poll_book_entry_needs_an_issuer_a_roll_entry_and_the_voters_own_request()
    {
        var (alice, stranger) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1)));

        Assert.That(Chain.Commit(_anon.Served(0, alice, 1, signer: stranger))!.Code, Is.EqualTo(RejectCode.NotIssuer));
        Assert.That(Chain.Commit(_anon.Served(0, stranger, 1))!.Code, Is.EqualTo(RejectCode.NotRegistered));
        Assert.That(Chain.Commit(_anon.Served(0, alice, 1, identitySigner: stranger))!.Code, Is.EqualTo(RejectCode.BadProof),
            "an issuer cannot mark a voter served who never asked");
        Assert.That(Chain.State.GetIssuance(AnonymousTestChain.Id, 1), Is.Null);
    }

    [Test]
    public void A_request_signed_for_one_issuer_cannot_be_replayed_by_another()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk(_anon.Served(1, bob, 1));
        var forFirst = _anon.Served(0, alice, 1).Payload.CredentialServed;
        var replay = forFirst.Clone();
        replay.WeightKey = ByteString.CopyFrom(AnonymousTestChain.PublicKey(AnonymousTestChain.WeightKey(1, 1)));
        var replayed = Chain.Signed(_anon.Issuers[1], new TxPayload { CredentialServed = replay });
        Assert.That(Chain.Commit(replayed)!.Code, Is.EqualTo(RejectCode.BadProof));
    }

    [Test]
    public void An_issuer_keeps_one_key_per_weight_and_it_must_be_rsa_3072()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk(_anon.Served(0, alice, 1));

        Assert.That(Chain.Commit(_anon.Served(0, bob, 1, key: AnonymousTestChain.WeightKey(0, 77)))!.Code, Is.EqualTo(RejectCode.BadPublicKey),
            "a key of its own for one voter would mark that voter out");
        using var weak = System.Security.Cryptography.RSA.Create(2048);
        Assert.That(Chain.Commit(_anon.Served(1, bob, 1, key: weak))!.Code, Is.EqualTo(RejectCode.BadPublicKey));
        Assert.That(Chain.Commit(_anon.Served(1, bob, 1, key: AnonymousTestChain.WeightKey(0, 1)))!.Code, Is.EqualTo(RejectCode.BadPublicKey),
            "two issuers on one key would make one signature count twice");
    }

    [Test]
    public void One_issuer_key_serves_one_weight_of_one_election_on_the_whole_chain()
    {
        var (small, big) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (small, 1), (big, 1000)));
        Chain.CommitOk(_anon.ServedByAll(small, 1));

        // Were the weight-1 keys to serve weight 1000 too, a weight-1 voter could blind "1000" and register with it.
        var reuse = Enumerable.Range(0, 2).Select(i => _anon.Served(i, big, 1000, key: AnonymousTestChain.WeightKey(i, 1))).ToArray();
        Assert.That(Chain.Commit(reuse[0])!.Code, Is.EqualTo(RejectCode.BadPublicKey));
        Assert.That(Chain.Commit(reuse[1])!.Code, Is.EqualTo(RejectCode.BadPublicKey));

        Chain.CommitOk(_anon.Create("second"));
        var voter = Chain.Key(3);
        Chain.CommitOk(Chain.Register("second", (voter, 1)));
        Assert.That(Chain.Commit(_anon.Served(0, voter, 1, id: "second"))!.Code, Is.EqualTo(RejectCode.BadPublicKey),
            "the same key in another election would let one election's signature register in the other");
    }

    [Test]
    public void No_issuer_can_pin_another_issuers_key_before_it()
    {
        var (alice, accomplice) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (accomplice, 1)));
        var honestKey = AnonymousTestChain.WeightKey(1, 1);
        using var own = System.Security.Cryptography.RSA.Create(3072);

        // Issuer 0 posts issuer 1's public key as its own; it cannot make the key's proof.
        Assert.That(Chain.Commit(_anon.Served(0, accomplice, 1, key: honestKey, proofKey: own))!.Code, Is.EqualTo(RejectCode.BadProof));
        Chain.CommitOk(_anon.Served(1, alice, 1));
        Assert.That(Chain.State.GetIssuance(AnonymousTestChain.Id, 1)!.IssuerKeys[1].ToByteArray(),
            Is.EqualTo(AnonymousTestChain.PublicKey(honestKey)));
    }

    [Test]
    public void A_weight_key_is_pinned_only_with_the_proof_that_it_hides_what_it_signs()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1)));
        var garbage = System.Security.Cryptography.RandomNumberGenerator.GetBytes(IssuerKeyProof.ProofSize);

        var refused = Chain.Commit(_anon.Served(0, alice, 1, validity: garbage));
        Assert.That(refused!.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(refused.Message, Does.Contain("not shown to hide what it signs"));
        Assert.That(Chain.Commit(_anon.Served(0, alice, 1, validity: [])), Is.Not.Null);
        Chain.CommitOk(_anon.Served(0, alice, 1));
    }

    [Test]
    public void Once_registering_opens_the_authority_cannot_put_a_pending_credential_on_the_roll()
    {
        var (alice, unserved) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (unserved, 1)));
        Chain.CommitOk(_anon.ServedByAll(alice, 1));
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        var pending = _anon.Register(credential, 1);

        // Seen in a mempool, the credential key could be copied onto the roll to make the registration ALREADY_REGISTERED.
        Assert.That(Chain.Commit(Chain.Register(AnonymousTestChain.Id, (credential, 1)))!.Code, Is.EqualTo(RejectCode.PhaseOver));
        Assert.That(Chain.Commit(Chain.Revoke(AnonymousTestChain.Id, unserved, credential))!.Code, Is.EqualTo(RejectCode.PhaseOver));
        Chain.CommitOk(pending);
        Chain.CommitOk(Chain.Revoke(AnonymousTestChain.Id, unserved));
    }

    [Test]
    public void Self_made_and_altered_issuer_signatures_are_refused()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1)));
        Chain.CommitOk(_anon.ServedByAll(alice, 1));
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        var message = Consensus.Anonymous.AnonymousSigning.CredentialMessage(TestChain.ChainId, AnonymousTestChain.Id, 1, credential.PublicKey);

        using var own = System.Security.Cryptography.RSA.Create(3072);
        var selfMade = new[] { AnonymousTestChain.Sign(own, message), AnonymousTestChain.Sign(own, message) };
        Assert.That(Chain.Commit(_anon.Register(credential, 1, selfMade))!.Code, Is.EqualTo(RejectCode.BadProof));

        var altered = _anon.Signatures(credential, 1);
        var bytes = altered[1].Signature.ToByteArray();
        bytes[100] ^= 1;
        altered[1].Signature = ByteString.CopyFrom(bytes);
        Assert.That(Chain.Commit(_anon.Register(credential, 1, altered))!.Code, Is.EqualTo(RejectCode.BadProof));

        var otherPrefix = _anon.Signatures(credential, 1);
        otherPrefix[0].Prefix = ByteString.CopyFrom(new byte[32]);
        Assert.That(Chain.Commit(_anon.Register(credential, 1, otherPrefix))!.Code, Is.EqualTo(RejectCode.BadProof));

        var oneMissing = _anon.Signatures(credential, 1).Take(1);
        Assert.That(Chain.Commit(_anon.Register(credential, 1, oneMissing))!.Code, Is.EqualTo(RejectCode.Malformed));

        var someoneElses = _anon.Signatures(Chain.Key(102), 1);
        Assert.That(Chain.Commit(_anon.Register(credential, 1, someoneElses))!.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(Chain.State.GetCredential(AnonymousTestChain.Id, credential.PublicKey), Is.Null);
    }

    [Test]
    public void A_credential_cannot_claim_a_weight_above_the_one_its_issuers_signed()
    {
        var (small, big) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (small, 1), (big, 1000)));
        Chain.CommitOk([.. _anon.ServedByAll(small, 1), .. _anon.ServedByAll(big, 1000)]);
        _anon.OpenRegistration();

        // The small holder blinds a message saying 1000, but the issuers sign it with their weight-1 keys.
        var cheat = Chain.Key(101);
        var signedAtOne = _anon.Signatures(cheat, 1000, signedWeight: 1);
        Assert.That(Chain.Commit(_anon.Register(cheat, 1000, signedAtOne))!.Code, Is.EqualTo(RejectCode.BadProof));
        Assert.That(Chain.State.GetIssuance(AnonymousTestChain.Id, 1000)!.Registered, Is.Zero);
    }

    [Test]
    public void Never_more_anonymous_credentials_of_a_weight_than_roll_entries_every_issuer_served()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk(_anon.ServedByAll(alice, 1));
        Chain.CommitOk(_anon.Served(0, bob, 1));
        _anon.OpenRegistration();

        // Both issuers' keys sign freely here (as colluding issuers could): the count still caps the credentials.
        var (first, second) = (Chain.Key(101), Chain.Key(102));
        Assert.That(Chain.Commit(_anon.Register(first, 1), _anon.Register(second, 1))!.Code, Is.EqualTo(RejectCode.NotServed),
            "bob was served by one issuer of two: only alice's entry counts");
        Chain.CommitOk(_anon.Register(first, 1));
        Assert.That(Chain.Commit(_anon.Register(second, 1))!.Code, Is.EqualTo(RejectCode.NotServed));
        Assert.That(RejectionPermanence.IsFinal(RejectCode.NotServed), Is.False, "another entry of the weight may still be served");
        var issuance = Chain.State.GetIssuance(AnonymousTestChain.Id, 1)!;
        Assert.That((issuance.Served, issuance.Registered), Is.EqualTo((1UL, 1UL)));
    }

    [Test]
    public void A_weight_no_issuer_served_takes_no_credential()
    {
        _anon.OpenRegistration();
        Assert.That(Chain.Commit(_anon.Register(Chain.Key(101), 3))!.Code, Is.EqualTo(RejectCode.NotServed));
    }

    [Test]
    public void A_credential_registers_once_and_never_as_a_roll_key()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk([.. _anon.ServedByAll(alice, 1), .. _anon.ServedByAll(bob, 1)]);
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        Chain.CommitOk(_anon.Register(credential, 1));
        Assert.That(Chain.Commit(_anon.Register(credential, 1))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
        Assert.That(Chain.Commit(_anon.Register(alice, 1))!.Code, Is.EqualTo(RejectCode.AlreadyRegistered));
    }

    [Test]
    public void The_authority_cannot_revoke_an_anonymous_credential_or_a_served_roll_entry()
    {
        var (alice, bob, carol) = (Chain.Key(1), Chain.Key(2), Chain.Key(3));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk(_anon.ServedByAll(alice, 1));
        Chain.CommitOk(_anon.Served(0, bob, 1));
        Assert.That(Chain.Commit(Chain.Revoke(AnonymousTestChain.Id, alice))!.Code, Is.EqualTo(RejectCode.AlreadyServed));
        Assert.That(Chain.Commit(Chain.Revoke(AnonymousTestChain.Id, bob, replacement: carol))!.Code, Is.EqualTo(RejectCode.AlreadyServed),
            "served by one issuer already: a replacement could collect a second credential");
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        Chain.CommitOk(_anon.Register(credential, 1));
        Assert.That(Chain.Commit(Chain.Revoke(AnonymousTestChain.Id, credential))!.Code, Is.EqualTo(RejectCode.CannotRevoke));
    }

    [Test]
    public void An_unserved_roll_entry_can_be_revoked_and_its_replacement_is_a_roll_entry_too()
    {
        var (alice, replacement) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 4)));
        Chain.CommitOk(Chain.Revoke(AnonymousTestChain.Id, alice, replacement));

        Assert.That(Chain.Commit(_anon.Served(0, alice, 4))!.Code, Is.EqualTo(RejectCode.CredentialRevoked));
        Assert.That(Chain.Commit(Chain.Vote(AnonymousTestChain.Id, replacement, 0))!.Code, Is.EqualTo(RejectCode.RollOnly));
        Chain.CommitOk(_anon.ServedByAll(replacement, 4));
        Assert.That(Chain.Tally(AnonymousTestChain.Id).RegisteredWeight, Is.EqualTo(4));
    }

    [Test]
    public void Issuing_and_registering_keep_their_windows()
    {
        using var anon = new AnonymousTestChain();
        var chain = anon.Chain;
        var issuingCloses = TestChain.Start + 10_000;
        chain.CommitOk(anon.Create(issuingClosesAt: issuingCloses, registrationOpensAt: issuingCloses + 5_000));
        var (alice, bob) = (chain.Key(1), chain.Key(2));
        chain.CommitOk(chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        chain.CommitOk(anon.ServedByAll(alice, 1));
        var credential = chain.Key(101);
        Assert.That(chain.Commit(anon.Register(credential, 1))!.Code, Is.EqualTo(RejectCode.PhaseNotOpen));

        chain.Time = issuingCloses;
        Assert.That(chain.Commit(anon.Served(0, bob, 1))!.Code, Is.EqualTo(RejectCode.PhaseOver));
        Assert.That(chain.Commit(anon.Register(credential, 1))!.Code, Is.EqualTo(RejectCode.PhaseNotOpen));
        chain.Time = issuingCloses + 5_000;
        chain.CommitOk(anon.Register(credential, 1));
    }

    [Test]
    public void Anonymous_steps_in_an_ordinary_election_are_refused()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.CreateElection("open"));
        Chain.CommitOk(Chain.Register("open", (alice, 1)));
        Assert.That(Chain.Commit(_anon.Served(0, alice, 1, id: "open"))!.Code, Is.EqualTo(RejectCode.NotAnonymous));
        Assert.That(Chain.Commit(_anon.Register(Chain.Key(101), 1, id: "open"))!.Code, Is.EqualTo(RejectCode.NotAnonymous));
        Assert.That(Chain.Commit(Chain.Vote("open", alice, 0)), Is.Null, "an ordinary election's voter is no roll entry");
    }

    [TestCase(0, TestName = "No issuers")]
    [TestCase(9, TestName = "Nine issuers")]
    public void An_anonymous_election_names_one_to_eight_issuers(int count)
    {
        using var anon = new AnonymousTestChain(count);
        var rejection = anon.Chain.Commit(anon.Create("many"));
        Assert.That(rejection!.Code, Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(rejection.Message, Does.Contain("1 to 8 issuers"));
    }

    [Test]
    public void Issuers_must_be_distinct_keys_and_windows_must_fit_the_election()
    {
        var twice = new[] { _anon.Issuers[0], _anon.Issuers[0] };
        Assert.That(Chain.Commit(_anon.Create("twice", issuers: twice))!.Code, Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(Chain.Commit(_anon.Create("late", issuingClosesAt: TestChain.Start + 7_200_000))!.Code,
            Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(Chain.Commit(_anon.Create("never", registrationOpensAt: TestChain.Start + 3_600_000))!.Code,
            Is.EqualTo(RejectCode.InvalidElection));
        Assert.That(Chain.Commit(_anon.Create("linked", registrationOpensAt: AnonymousTestChain.IssuingCloses - 1))!.Code,
            Is.EqualTo(RejectCode.InvalidElection), "registering while issuing would link the two by time");
        Assert.That(Chain.Commit(_anon.Create("at-once", issuingClosesAt: 0))!.Code, Is.EqualTo(RejectCode.InvalidElection),
            "issuing closes at the opening by default, which is now: no time to issue");
    }

    [Test]
    public void The_recount_agrees_and_leaves_anonymous_credentials_out_of_the_registered_sums()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 3)));
        Chain.CommitOk(_anon.ServedByAll(alice, 3));
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        Chain.CommitOk(_anon.Register(credential, 3));
        Chain.CommitOk(Chain.Vote(AnonymousTestChain.Id, credential, 1));

        var recount = Audit.ElectionRecount.All(Chain.State, TestChain.ChainId).Single(r => r.ElectionId == AnonymousTestChain.Id);
        Assert.That(recount.Agrees, Is.True, () => $"kept {recount.Replayed}, recounted {recount.Recounted}");
        Assert.That(recount.Recounted.OptionWeights, Is.EqualTo(new ulong[] { 0, 3, 0 }));
    }

    [Test]
    public void The_audit_recount_finds_a_poll_book_count_that_does_not_match_the_records()
    {
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 2)));
        Chain.CommitOk(_anon.ServedByAll(alice, 2));
        _anon.OpenRegistration();
        Chain.CommitOk(_anon.Register(Chain.Key(101), 2));
        Assert.That(Recount().IssuanceProblem, Is.Null);

        // A lying node's state: one more identity served than the records show, room for a minted credential.
        var inflated = Chain.State.GetIssuance(AnonymousTestChain.Id, 2)!.Clone();
        inflated.Served = 2;
        var height = Chain.State.Height + 1;
        State.StateChange[] lie = [new State.StateChange(State.StateColumn.Issuance, State.StateKeys.Issuance(AnonymousTestChain.Id, 2), inflated.ToByteArray())];
        var tree = State.Merkle.BlockTreeChanges.Apply(Chain.State, height, lie, []);
        Chain.State.Apply(new Chain.BlockWrite(height, Crypto.Hashing.Sha256(BitConverter.GetBytes(height)), [], [], lie, tree.NewRoot, tree));
        Assert.That(Recount().IssuanceProblem, Does.Contain("weight 2: the records show 1 served and 1 registered"));
    }

    [Test]
    public void The_audit_recount_finds_a_poll_book_count_for_a_weight_no_record_names()
    {
        var made = new IssuanceRecord { Weight = 9, Served = 5 };
        made.IssuerKeys.AddRange([ByteString.Empty, ByteString.Empty]);
        var height = Chain.State.Height + 1;
        State.StateChange[] lie = [new State.StateChange(State.StateColumn.Issuance, State.StateKeys.Issuance(AnonymousTestChain.Id, 9), made.ToByteArray())];
        var tree = State.Merkle.BlockTreeChanges.Apply(Chain.State, height, lie, []);
        Chain.State.Apply(new Chain.BlockWrite(height, Crypto.Hashing.Sha256(BitConverter.GetBytes(height)), [], [], lie, tree.NewRoot, tree));
        Assert.That(Recount().IssuanceProblem, Does.Contain("weight 9: the records show 0 served and 0 registered, the kept counts 5 and 0"));
    }

    private Audit.ElectionRecount Recount() =>
        Audit.ElectionRecount.All(Chain.State, TestChain.ChainId).Single(r => r.ElectionId == AnonymousTestChain.Id);

    [Test]
    public void Issuer_signatures_checked_ahead_of_the_rules_are_not_checked_again()
    {
        var (alice, bob) = (Chain.Key(1), Chain.Key(2));
        Chain.CommitOk(Chain.Register(AnonymousTestChain.Id, (alice, 1), (bob, 1)));
        Chain.CommitOk([.. _anon.ServedByAll(alice, 1), .. _anon.ServedByAll(bob, 1)]);
        _anon.OpenRegistration();
        var good = _anon.Register(Chain.Key(101), 1);
        var forged = _anon.Signatures(Chain.Key(102), 1);
        forged[0].Signature = forged[1].Signature;
        var bad = _anon.Register(Chain.Key(102), 1, forged);
        var preparation = new ProofPreparation(Chain.State, Chain.Rules, Chain.Time);

        var before = AnonymousRules.SignatureChecks;
        preparation.Prepare(good);
        preparation.Prepare(bad);
        Assert.That(AnonymousRules.SignatureChecks - before, Is.EqualTo(2));

        Assert.That(Chain.Commit(bad)!.Code, Is.EqualTo(RejectCode.BadProof));
        Chain.CommitOk(good);
        Assert.That(AnonymousRules.SignatureChecks - before, Is.EqualTo(2), "the rules found both verdicts remembered");
        Assert.That(Chain.State.GetCredential(AnonymousTestChain.Id, good.Signer)!.Anonymous, Is.True);
    }

    [Test]
    public void In_an_anonymous_secret_election_credentials_cast_encrypted_votes_and_roll_entries_do_not()
    {
        var create = _anon.Create("both").Payload.CreateElection.Clone();
        create.Secret = new SecretBallotSettings { Trustees = { _anon.Issuers.Select(k => ByteString.CopyFrom(k.PublicKey)) } };
        Chain.CommitOk(Chain.Signed(Chain.Authority, new TxPayload { CreateElection = create }));
        var alice = Chain.Key(1);
        Chain.CommitOk(Chain.Register("both", (alice, 3)));
        Chain.CommitOk(_anon.ServedByAll(alice, 3, "both"));
        _anon.OpenRegistration();
        var credential = Chain.Key(101);
        Chain.CommitOk(_anon.Register(credential, 3, id: "both"));

        VerifiedTx Encrypted(Crypto.Ed25519KeyPair voter) =>
            Chain.Signed(voter, new TxPayload { CastEncryptedVote = new CastEncryptedVote { ElectionId = "both", Sequence = 1 } });

        // Past every credential check to the trustees' key (not generated in this test): the credential votes as any other.
        Assert.That(Chain.Commit(Encrypted(credential))!.Code, Is.EqualTo(RejectCode.KeyNotReady));
        Assert.That(Chain.Commit(Encrypted(alice))!.Code, Is.EqualTo(RejectCode.RollOnly));
        Assert.That(Chain.Commit(Chain.Vote("both", credential, 0))!.Code, Is.EqualTo(RejectCode.WrongBallotKind));
    }
}
