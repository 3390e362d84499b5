using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// What a receipt's standing says of the vote: counted (true/false, null when unknown) and why, at which height, and
/// whether that is proven (against a certified header, <see cref="StandingVerifier"/>) or only the node's word. For an
/// encrypted vote, <see cref="CiphertextsMatch"/> says whether the ballot for the credential holds exactly this vote's
/// ciphertexts (null for a plaintext vote or when there is no ballot). When a later ballot replaced the vote,
/// <see cref="ReplacedByTxId"/> and <see cref="ReplacedAtHeight"/> name it; a revocation with a replacement names the
/// new credential in <see cref="ReplacementCredential"/> (hex, lower case).
/// </summary>
public sealed record VoteStandingVerdict(bool? CountedNow, string Sentence, ulong? AsOfHeight, bool? CiphertextsMatch = null,
    bool Proven = false, string? ReplacedByTxId = null, ulong? ReplacedAtHeight = null, string? ReplacementCredential = null);

/// <summary>
/// Judges a vote's standing from its credential and ballot records: whether its vote is the one counted for its
/// credential, the one home of that rule. <see cref="Judge(Receipt)"/> reads the receipt's <see cref="VoteStanding"/>,
/// only the node's word; <see cref="StandingVerifier"/> first proves the records against a certified header and then
/// judges them here. Pure: no I/O.
/// </summary>
public static class ReceiptStanding
{
    /// <summary>The node's word: the receipt's <see cref="VoteStanding"/>, proven by nothing.</summary>
    public static VoteStandingVerdict Judge(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (!TryReadVote(receipt.Envelope, out _, out _, out _))
        {
            return NotAVote;
        }

        return receipt.Standing is not { } standing
            ? new VoteStandingVerdict(null, "unknown: the node did not say whether this vote counts now", null)
            : Judge(receipt, standing.Credential, standing.Ballot, standing.Height, proven: false);
    }

    internal static VoteStandingVerdict NotAVote { get; } = new(null, "not a vote: there is no ballot to count", null);

    /// <summary>
    /// The verdict on the vote of <paramref name="receipt"/> from its credential's records at <paramref name="height"/>
    /// (null: none); <paramref name="proven"/> says whether they were proven or are the node's word.
    /// </summary>
    internal static VoteStandingVerdict Judge(Receipt receipt, CredentialRecord? credential, BallotRecord? ballot, ulong height, bool proven)
    {
        TryReadVote(receipt.Envelope, out _, out _, out var ciphertexts);
        var holder = proven ? "the chain" : "the node";
        if (credential is null)
        {
            return new VoteStandingVerdict(false, $"no: {holder} holds no registration for this vote's credential", height, Proven: proven);
        }

        if (ballot is null)
        {
            return new VoteStandingVerdict(false, $"no: {holder} holds no ballot for this vote's credential", height, Proven: proven);
        }

        var isThisVote = CryptographicOperations.FixedTimeEquals(ballot.TxId.Span, receipt.TxId.Span);
        bool? ciphertextsMatch = ciphertexts is null ? null : SameCiphertexts(ciphertexts, ballot.Ciphertexts);
        if (isThisVote && ciphertextsMatch == false)
        {
            // The same transaction cannot carry other ciphertexts: the records contradict the committed envelope.
            return new VoteStandingVerdict(false,
                $"no: {holder}'s ballot for this credential names this transaction but holds other ciphertexts than it carries",
                height, false, proven);
        }

        if (!isThisVote)
        {
            var later = Convert.ToHexStringLower(ballot.TxId.Span);
            return new VoteStandingVerdict(false,
                $"no: a later vote of this credential (sequence {ballot.Sequence}, block {ballot.Height}, transaction " +
                $"{later}) replaced it", height, ciphertextsMatch, proven, later, ballot.Height);
        }

        if (credential.Revoked || !ballot.Counted)
        {
            var replacement = credential.ReplacedBy.IsEmpty ? null : Convert.ToHexStringLower(credential.ReplacedBy.Span);
            return new VoteStandingVerdict(false,
                "no: the credential was revoked, so its vote no longer counts" +
                (replacement is null ? "" : $" (it was replaced by credential {replacement})"),
                height, ciphertextsMatch, proven, ReplacementCredential: replacement);
        }

        return ciphertexts is null
            ? new VoteStandingVerdict(true, "yes: it is the vote counted for its credential", height, Proven: proven)
            : new VoteStandingVerdict(true,
                "yes: its ciphertexts are the ones counted for its credential (the encrypted tally adds exactly these)", height, true, proven);
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
