using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Consensus.State.Merkle;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// Checks a <see cref="ProvenRecord"/> from a node against a certified header's state root and reads its record. The
/// key is always the verifier's own (built from what it already trusts), never the node's. Pure: no I/O.
/// </summary>
public static class ProvenRecords
{
    /// <summary>
    /// Null when <paramref name="proven"/> shows what <paramref name="key"/> of <paramref name="column"/> holds under
    /// <paramref name="stateRoot"/> (its record, or nothing) and that record parses; then <paramref name="record"/> is
    /// it (null: the key holds nothing). Otherwise the problem, naming <paramref name="what"/>.
    /// </summary>
    public static string? Problem<T>(ReadOnlySpan<byte> stateRoot, StateColumn column, byte[] key, ProvenRecord? proven,
        MessageParser<T> parser, string what, out T? record)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        record = null;
        if (proven?.Proof is null)
        {
            return $"There is no proof of the {what}.";
        }

        // Parsed again from its bytes: StateProofs.Parse is the one home of a proof's bounds and canonical form.
        var proof = StateProofs.Parse(proven.Proof.ToByteArray(), out var malformed);
        if (proof is null)
        {
            return $"The proof of the {what} is malformed: {malformed}";
        }

        var value = proven.HasRecord ? proven.Record.ToByteArray() : null;
        if (StateProofs.Verify(stateRoot, column, key, value, proof) is { } problem)
        {
            return $"The proof of the {what} fails: {problem}";
        }

        if (value is null)
        {
            return null;
        }

        try
        {
            record = parser.ParseFrom(value);
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return $"The proven {what} is not a valid record.";
        }
    }
}
