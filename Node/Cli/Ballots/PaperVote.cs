using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.PaperBallots;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Ballots;

/// <summary>What happened to one scanned ballot; Counted is false when it was refused, already counted or unreadable.</summary>
internal sealed record PaperVoteOutcome(string File, string? BallotCode, string? ElectionId, string? Option, bool Counted, bool AlreadyCounted,
    ulong? Height, string Message);

/// <summary>
/// Casts the vote of one scanned ballot: checks the ballot belongs to this node's chain (and to the polling station's
/// election when one is named), decides the option from the marks or from the operator's --option, signs CastVote (or an
/// encrypted vote in a secret election) with the ballot's one-time key at sequence 1, and waits until it is committed.
/// Sequence 1 always: a second scan of the same ballot is refused by the chain's single-spend rule, never counted again.
/// </summary>
internal sealed class PaperVote(NodeSession session, string? onlyElection, string? operatorOption)
{
    /// <summary>
    /// Refusals that mean this credential's one vote is already on the chain: the single-spend rule (ALREADY_VOTED, or
    /// STALE_SEQUENCE where revoting is allowed) and, for the very same paper read the same way, the identical signed
    /// transaction (Ed25519 signatures are deterministic) refused as DUPLICATE_TRANSACTION.
    /// </summary>
    private static readonly string[] SpentCodes = ["ALREADY_VOTED", "STALE_SEQUENCE", "DUPLICATE_TRANSACTION"];

    public PaperVoteOutcome Cast(string file, ScannedBallot scanned)
    {
        var payload = scanned.Payload;
        using var key = Ed25519KeyPair.FromSeed(payload.Seed);
        var code = BallotCode.Of(key.PublicKey);
        PaperVoteOutcome Refused(string why) => new(file, code, payload.ElectionId, null, false, false, null, $"ballot {code}: {why}; not counted");

        if (payload.ChainId != session.ChainId)
        {
            return Refused($"it belongs to chain '{payload.ChainId}', not to this node's chain '{session.ChainId}'");
        }

        if (onlyElection is not null && payload.ElectionId != onlyElection)
        {
            return Refused($"it is a ballot of election '{payload.ElectionId}', not of '{onlyElection}'");
        }

        if (session.FindElection(payload.ElectionId) is not { } record)
        {
            return Refused($"it is a ballot of election '{payload.ElectionId}', which this chain does not hold");
        }

        if (PaperElection.RevoteProblem(record) is { } revote)
        {
            return Refused(revote);
        }

        var names = record.Definition.Options;
        var marks = scanned.Marks(names.Count);
        uint option;
        if (marks.Choice is { } marked)
        {
            if (operatorOption is not null && operatorOption != names[marked])
            {
                return Refused($"the paper is marked for '{names[marked]}' but --option says '{operatorOption}'");
            }

            option = (uint)marked;
        }
        else if (marks.LayoutProblem is not null)
        {
            // No --option either: a human cannot vouch for a paper whose boxes do not belong to its QR code.
            return Refused(marks.LayoutProblem);
        }
        else if (operatorOption is null)
        {
            return Refused($"{marks.Problem}: look at the paper and scan it again with --option NAME");
        }
        else
        {
            var index = names.IndexOf(operatorOption);
            if (index < 0)
            {
                return Refused($"election '{payload.ElectionId}' has no option '{operatorOption}'; its options are {string.Join(", ", names.Select(n => $"'{n}'"))}");
            }

            if (!marks.MayBeChosen(index))
            {
                // --option settles which of the marks counts; it never puts a vote on a box the voter left empty.
                return Refused($"the box for '{operatorOption}' shows no mark on this scan ({marks.Problem}); --option can only pick a box the voter marked");
            }

            option = (uint)index;
        }

        var payloadTx = record.Secret is null
            ? new TxPayload { CastVote = new CastVote { ElectionId = payload.ElectionId, Option = option, Sequence = 1 } }
            : new TxPayload { CastEncryptedVote = EncryptedVote.Create(session, payload.ElectionId, key.PublicKey, [option], null).ToPayload(1) };
        return Submit(file, code, payload.ElectionId, names, names[(int)option], record.Secret is not null, key, payloadTx);
    }

    private PaperVoteOutcome Submit(string file, string code, string electionId, IReadOnlyList<string> names, string option, bool secret,
        Ed25519KeyPair key, TxPayload payload)
    {
        var envelope = ByteString.CopyFrom(session.Sign(key, payload));
        byte[]? txId = null;
        try
        {
            txId = session.Client.Api.SubmitTransaction(new SubmitTransactionRequest { Envelope = envelope }, deadline: NodeClient.Deadline())
                .TxId.ToByteArray();
        }
        catch (RpcException e) when (NodeClient.Reason(e) is { } reason && SpentCodes.Contains(reason))
        {
            // Refused by the single-spend rule: the ballot's one vote is already on the chain.
        }
        catch (RpcException e)
        {
            throw session.Client.Explain(e, $"ballot {code}: vote");
        }

        // The committed ballot of this credential: ours, or the one an earlier scan (here or at another station) cast.
        var voter = Polling.Until(() => session.Voter(electionId, key.PublicKey) is { Ballot: not null } v ? v : null,
            $"ballot {code}'s vote to commit");
        var ballot = voter.Ballot;
        if (txId is not null && ballot.TxId.Span.SequenceEqual(txId))
        {
            return new PaperVoteOutcome(file, code, electionId, option, true, false, ballot.Height,
                $"ballot {code}: counted for '{option}' at height {ballot.Height}");
        }

        if (!ballot.Counted || voter.Credential is { Revoked: true })
        {
            return new PaperVoteOutcome(file, code, electionId, null, false, false, ballot.Height,
                $"ballot {code}: its credential was revoked by the authority, so its vote (height {ballot.Height}) no longer counts; not counted");
        }

        // Open elections show what the earlier vote was: one that is not what this paper says was not cast from this
        // paper's scan (the QR code was copied, or the paper was misread then): say so, for the officials to look into.
        if (ballot.Option < names.Count && names[(int)ballot.Option] != option && !secret)
        {
            return new PaperVoteOutcome(file, code, electionId, null, false, true, ballot.Height,
                $"ballot {code} was already used for '{names[(int)ballot.Option]}' (height {ballot.Height}), but this paper says '{option}': " +
                "its QR code may have been copied; set the paper aside for the election officials");
        }

        return new PaperVoteOutcome(file, code, electionId, null, false, true, ballot.Height,
            $"ballot {code} was already counted (height {ballot.Height}): a paper ballot counts once");
    }
}
