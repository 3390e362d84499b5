using Google.Protobuf;
using Google.Protobuf.Collections;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// The evidence a removal carries, taken from the records the node keeps (ListEvidence, what <c>votechain evidence</c>
/// shows) by id. The id is recomputed from the two messages rather than taken from the node's record; whether they
/// really are a double sign by that key is the rules' check when the proposal executes.
/// </summary>
internal static class RemovalEvidence
{
    public static Evidence Fetch(NodeSession session, byte[] id, RepeatedField<ByteString> removed)
    {
        if (removed.Count != 1)
        {
            throw new UserInputException("--evidence backs the removal of one validator: give exactly one --public-key with it");
        }

        var request = new ListEvidenceRequest { Limit = ApiLimits.MaxEvidenceRecords };
        var response = session.Client.Call(api => api.ListEvidenceAsync(request, deadline: NodeClient.Deadline()), "evidence");
        var record = response.Records.FirstOrDefault(r => EvidenceRecords.Id(r).AsSpan().SequenceEqual(id))
            ?? throw new UserInputException(
                $"the node at {session.Client.Url} holds no evidence {HexInput.Format(id)} among its {response.Records.Count} newest records " +
                "(`votechain evidence --json` lists their ids)");
        if (record.ValidatorPublicKey != removed[0])
        {
            throw new UserInputException(
                $"evidence {HexInput.Format(id)} is against {HexInput.Format(record.ValidatorPublicKey.Span)}, not the validator removed");
        }

        try
        {
            return new Evidence
            {
                Validator = record.ValidatorIndex,
                First = ConsensusMessage.Parser.ParseFrom(record.First),
                Second = ConsensusMessage.Parser.ParseFrom(record.Second),
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserInputException($"the node's evidence {HexInput.Format(id)} does not parse as two consensus messages: {e.Message}");
        }
    }
}
