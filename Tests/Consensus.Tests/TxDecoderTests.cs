using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Tests.Support;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class TxDecoderTests
{
    private TestChain _chain = null!;

    [SetUp]
    public void SetUp() => _chain = new TestChain();

    [TearDown]
    public void TearDown() => _chain.Dispose();

    private byte[] SignedVote(string chainId = TestChain.ChainId)
    {
        using var voter = _chain.Key(7);
        var payload = new TxPayload { ChainId = chainId, CastVote = new CastVote { ElectionId = "e1", Option = 1, Sequence = 1 } };
        return TxSigning.Sign(voter, payload);
    }

    [Test]
    public void A_signed_envelope_decodes_and_its_id_is_the_hash_of_its_bytes()
    {
        var bytes = SignedVote();
        var outcome = _chain.Decoder.Decode(bytes);

        Assert.That(outcome.IsOk, Is.True);
        Assert.That(outcome.Value!.Id, Is.EqualTo(Hashing.Sha256(bytes)));
        Assert.That(outcome.Value.Payload.CastVote.Option, Is.EqualTo(1));
    }

    [Test]
    public void Garbage_bytes_are_malformed()
    {
        var outcome = _chain.Decoder.Decode([0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        Assert.That(outcome.Rejection!.Code, Is.EqualTo(RejectCode.Malformed));
    }

    [Test]
    public void A_non_canonical_encoding_of_a_valid_envelope_is_malformed()
    {
        var bytes = SignedVote();
        // Appending a repeat of the signer field still parses (last one wins) but changes the bytes, so the
        // same transaction would get a second id.
        var envelope = TxEnvelope.Parser.ParseFrom(bytes);
        var extra = new TxEnvelope { Signer = envelope.Signer }.ToByteArray();
        var outcome = _chain.Decoder.Decode([.. bytes, .. extra]);

        Assert.That(outcome.Rejection!.Code, Is.EqualTo(RejectCode.Malformed));
        Assert.That(outcome.Rejection.Message, Does.Contain("canonical"));
    }

    [Test]
    public void A_payload_of_no_known_kind_is_malformed()
    {
        using var key = _chain.Key(8);
        var bytes = TxSigning.Sign(key, new TxPayload { ChainId = TestChain.ChainId });
        Assert.That(_chain.Decoder.Decode(bytes).Rejection!.Code, Is.EqualTo(RejectCode.Malformed));
    }

    [Test]
    public void A_transaction_for_another_chain_is_refused()
    {
        var outcome = _chain.Decoder.Decode(SignedVote("other-chain"));
        Assert.That(outcome.Rejection!.Code, Is.EqualTo(RejectCode.WrongChain));
        Assert.That(outcome.Rejection.Message, Does.Contain("other-chain"));
    }

    [Test]
    public void A_tampered_payload_has_a_bad_signature()
    {
        var envelope = TxEnvelope.Parser.ParseFrom(SignedVote());
        var payload = TxPayload.Parser.ParseFrom(envelope.Payload);
        payload.CastVote.Option = 2;
        envelope.Payload = payload.ToByteString();

        var outcome = _chain.Decoder.Decode(envelope.ToByteArray());
        Assert.That(outcome.Rejection!.Code, Is.EqualTo(RejectCode.BadSignature));
    }

    [Test]
    public void A_signature_by_another_key_is_bad()
    {
        using var other = _chain.Key(9);
        var envelope = TxEnvelope.Parser.ParseFrom(SignedVote());
        envelope.Signer = ByteString.CopyFrom(other.PublicKey);
        Assert.That(_chain.Decoder.Decode(envelope.ToByteArray()).Rejection!.Code, Is.EqualTo(RejectCode.BadSignature));
    }

    [Test]
    public void An_oversized_envelope_is_refused_before_parsing()
    {
        var decoder = new TxDecoder(TestChain.ChainId, maxTxBytes: 100);
        var outcome = decoder.Decode(new byte[101]);
        Assert.That(outcome.Rejection!.Code, Is.EqualTo(RejectCode.TooLarge));
    }

    [Test]
    public void Control_characters_from_untrusted_input_do_not_reach_messages()
    {
        var outcome = _chain.Decoder.Decode(SignedVote("bad\nchain\u0007"));
        Assert.That(outcome.Rejection!.Message, Does.Not.Contain("\n").And.Not.Contain("\u0007"));
    }
}
