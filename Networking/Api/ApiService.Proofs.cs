using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// State proofs (docs/STATE-PROOFS.md): records proven against the certified header of the node's head, and the
/// certified headers that announced each change of validators, which a verifier holding only the genesis file walks.
/// </summary>
public sealed partial class ApiService
{
    /// <summary>
    /// How many times a proof at the head is read again when a record read does not match the head's state root: only
    /// a block committing in that instant does that, so running out means the stored state and tree disagree.
    /// </summary>
    private const int ProofAttempts = 100;

    /// <summary>The head block and what each key asked for holds there, each record with its proof.</summary>
    private sealed record HeadProofs(ParsedBlock Head, IReadOnlyList<ProvenRecord> Records);

    /// <summary>
    /// Reads each key's record and its proof at the head. The store writes a block's records just before it moves its
    /// head, so a record read in that instant may already be the next block's: every proof is checked here against the
    /// head's state root before it is sent, and the reads repeat when one does not match.
    /// </summary>
    private HeadProofs ProveAtHead(IReadOnlyList<(StateColumn Column, byte[] Key)> keys)
    {
        var spin = new SpinWait();
        for (var attempt = 0; attempt < ProofAttempts; attempt++)
        {
            var height = _store.Height;
            if (height == 0)
            {
                throw ApiErrors.FailedPrecondition("No block is committed yet: there is no certified state to prove anything against.");
            }

            var head = ParseStored(_store.GetBlockBytes(height)
                ?? throw new RpcException(new Status(StatusCode.Internal, $"The head block {height} is not stored.")));
            var records = new List<ProvenRecord>(keys.Count);
            foreach (var (column, key) in keys)
            {
                var value = _store.GetStateBytes(column, key);
                var proof = _store.Prove(height, column, key);
                if (proof is null || StateProofs.Verify(head.Header.StateRoot.Span, column, key, value, proof) is not null)
                {
                    break;
                }

                var record = new ProvenRecord { Proof = proof };
                if (value is not null)
                {
                    record.Record = ByteString.CopyFrom(value);
                }

                records.Add(record);
            }

            if (records.Count == keys.Count)
            {
                return new HeadProofs(head, records);
            }

            spin.SpinOnce();
        }

        throw new RpcException(new Status(StatusCode.Internal,
            $"The stored state does not match the state tree at height {_store.Height}: no proof can be made."));
    }

    /// <summary>
    /// The election's tally at the head with its proof (<see cref="TallyProof"/>): the tally and the height are those the
    /// proof is at, and the options are the proven election record's.
    /// </summary>
    private TallyResponse ProvenTallyOf(ElectionRecord election)
    {
        var id = election.Definition.ElectionId;
        var proven = ProveAtHead([(StateColumn.Elections, StateKeys.Election(id)), (StateColumn.Tallies, StateKeys.Tally(id))]);
        var (electionRecord, tallyRecord) = (proven.Records[0], proven.Records[1]);
        var definition = electionRecord.HasRecord ? ElectionRecord.Parser.ParseFrom(electionRecord.Record).Definition : election.Definition;
        return new TallyResponse
        {
            ElectionId = id,
            Height = proven.Head.Height,
            // As TallyOf: a zero tally stands in should a record ever lack one (the proof then shows it absent).
            Tally = tallyRecord.HasRecord
                ? TallyRecord.Parser.ParseFrom(tallyRecord.Record)
                : new TallyRecord { OptionWeights = { new ulong[definition.Options.Count] } },
            Options = { definition.Options },
            Proof = new TallyProof
            {
                ElectionId = id,
                Header = proven.Head.Block.Header,
                Certificate = proven.Head.Block.Certificate,
                SetChanges = { SetChangesBetween(0, proven.Head.Height) },
                Election = electionRecord,
                Tally = tallyRecord,
            },
        };
    }

    /// <summary>
    /// The certified headers that announced each change of validators taking effect after <paramref name="after"/> and
    /// by <paramref name="upTo"/>, oldest first: with those up to <paramref name="after"/>, what a verifier holding only
    /// the genesis file walks to learn the set that certified the block at <paramref name="upTo"/>.
    /// </summary>
    private List<SetChangeProof> SetChangesBetween(ulong after, ulong upTo)
    {
        SetChangeList list;
        try
        {
            list = SetChangeProofs.UpTo(_store, upTo);
        }
        catch (InvalidDataException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }

        if (list.Missing is { } approvedAt)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                BelowOldest($"block {approvedAt}, which approved a change of validators the proof needs")));
        }

        return [.. list.Proofs.Where(p => BlockHeader.Parser.ParseFrom(p.Header).ValidatorChange.ActivationHeight > after)];
    }
}
