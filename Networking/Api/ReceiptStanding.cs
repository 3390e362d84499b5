using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// What a receipt's standing says of the vote now: counted (true/false, null when unknown) and why. For an encrypted
/// vote, <see cref="CiphertextsMatch"/> says whether the node's ballot for the credential holds exactly this vote's
/// ciphertexts (null for a plaintext vote or when the node reported no ballot).
/// </summary>
public sealed record VoteStandingVerdict(bool? CountedNow, string Sentence, ulong? AsOfHeight, bool? CiphertextsMatch = null);

/// <summary>
/// Reads a receipt's <see cref="VoteStanding"/>: whether its vote is the one counted now for its credential. Unlike
/// <see cref="ReceiptVerifier"/>, nothing here is proven: the standing is the node's word at its height (a state
/// proof would be needed, and the state root commits to changes, not to a searchable tree). Pure: no I/O.
/// </summary>
public static class ReceiptStanding
{
    public static VoteStandingVerdict Judge(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!TryReadVote(receipt.Envelope, out _, out _, out var ciphertexts))
        {
            return new VoteStandingVerdict(null, "not a vote: there is no ballot to count", null);
        }

        if (receipt.Standing is not { } standing)
        {
            return new VoteStandingVerdict(null, "unknown: the node did not say whether this vote counts now", null);
        }

        var height = standing.Height;
        if (standing.Credential is null)
        {
            return new VoteStandingVerdict(false, "no: the node holds no registration for this vote's credential", height);
        }

        var ballot = standing.Ballot;
        if (ballot is null)
        {
            return new VoteStandingVerdict(false, "no: the node holds no ballot for this vote's credential", height);
        }

        var isThisVote = CryptographicOperations.FixedTimeEquals(ballot.TxId.Span, receipt.TxId.Span);
        bool? ciphertextsMatch = ciphertexts is null ? null : SameCiphertexts(ciphertexts, ballot.Ciphertexts);
        if (isThisVote && ciphertextsMatch == false)
        {
            // The same transaction cannot carry other ciphertexts: the node's records contradict the committed envelope.
            return new VoteStandingVerdict(false,
                "no: the node's ballot for this credential names this transaction but holds other ciphertexts than it carries",
                height, false);
        }

        if (!isThisVote)
        {
            return new VoteStandingVerdict(false,
                $"no: a later vote of this credential (sequence {ballot.Sequence}, block {ballot.Height}, transaction " +
                $"{Convert.ToHexStringLower(ballot.TxId.Span)}) replaced it", height, ciphertextsMatch);
        }

        if (standing.Credential.Revoked || !ballot.Counted)
        {
            return new VoteStandingVerdict(false, "no: the credential was revoked, so its vote no longer counts", height, ciphertextsMatch);
        }

        return ciphertexts is null
            ? new VoteStandingVerdict(true, "yes: it is the vote counted for its credential", height)
            : new VoteStandingVerdict(true,
                "yes: its ciphertexts are the ones counted for its credential (the encrypted tally adds exactly these)", height, true);
    }

    /// <summary>
    /// The election and signer of a vote envelope, plaintext or encrypted (then with its ciphertexts, else null);
    /// false for other kinds and for bytes that do not parse.
    /// </summary>
    internal static bool TryReadVote(ByteString envelope, out string electionId, out byte[] signer) =>
        TryReadVote(envelope, out electionId, out signer, out _);

    private static bool TryReadVote(ByteString envelope, out string electionId, out byte[] signer,
        out IReadOnlyList<ByteString>? ciphertexts)
    {
        electionId = "";
        signer = [];
        ciphertexts = null;
        try
        {
            var parsed = TxEnvelope.Parser.ParseFrom(envelope);
            var payload = TxPayload.Parser.ParseFrom(parsed.Payload);
            switch (payload.KindCase)
            {
                case TxPayload.KindOneofCase.CastVote:
                    electionId = payload.CastVote.ElectionId;
                    break;
                case TxPayload.KindOneofCase.CastEncryptedVote:
                    electionId = payload.CastEncryptedVote.ElectionId;
                    ciphertexts = payload.CastEncryptedVote.Ciphertexts;
                    break;
                default:
                    return false;
            }

            signer = parsed.Signer.ToByteArray();
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static bool SameCiphertexts(IReadOnlyList<ByteString> sent, IReadOnlyList<ByteString> counted) =>
        sent.Count == counted.Count && sent.Zip(counted).All(p => p.First.Span.SequenceEqual(p.Second.Span));
}
