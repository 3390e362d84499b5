using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>What a receipt's standing says of the vote now: counted (true/false, null when unknown) and why.</summary>
public sealed record VoteStandingVerdict(bool? CountedNow, string Sentence, ulong? AsOfHeight);

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
        if (!TryReadVote(receipt.Envelope, out _, out _))
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
        if (!isThisVote)
        {
            return new VoteStandingVerdict(false,
                $"no: a later vote of this credential (sequence {ballot.Sequence}, block {ballot.Height}, transaction " +
                $"{Convert.ToHexStringLower(ballot.TxId.Span)}) replaced it", height);
        }

        if (standing.Credential.Revoked || !ballot.Counted)
        {
            return new VoteStandingVerdict(false, "no: the credential was revoked, so its vote no longer counts", height);
        }

        return new VoteStandingVerdict(true, "yes: it is the vote counted for its credential", height);
    }

    /// <summary>The election and signer of a vote envelope; false for other kinds and for bytes that do not parse.</summary>
    internal static bool TryReadVote(ByteString envelope, out string electionId, out byte[] signer)
    {
        electionId = "";
        signer = [];
        try
        {
            var parsed = TxEnvelope.Parser.ParseFrom(envelope);
            var payload = TxPayload.Parser.ParseFrom(parsed.Payload);
            if (payload.KindCase != TxPayload.KindOneofCase.CastVote)
            {
                return false;
            }

            electionId = payload.CastVote.ElectionId;
            signer = parsed.Signer.ToByteArray();
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
