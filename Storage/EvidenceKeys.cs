using System.Buffers.Binary;

namespace VoteChain.Storage;

/// <summary>
/// The three kinds of key in the evidence column, told apart by their first byte:
/// <list type="bullet">
/// <item><c>0x01 sequence</c>: the record (a serialized <c>EvidenceRecord</c>); sequence order is recording order.</item>
/// <item><c>0x02 id</c>: the sequence of the record with this id, so a pair is stored once.</item>
/// <item><c>0x03 validator height</c>: the sequence and size of the record against this validator at this
/// height, so each (validator, height) has at most one record, and a validator's share is one prefix scan.</item>
/// </list>
/// Integers are big-endian, so that RocksDB's bytewise order is numeric order.
/// </summary>
internal static class EvidenceKeys
{
    public const byte RecordTag = 0x01;
    public const byte IdTag = 0x02;
    public const byte SlotTag = 0x03;

    /// <summary>Sequence (8 bytes) then the record's size in bytes (4 bytes).</summary>
    public const int SlotValueSize = 12;

    public static readonly byte[] Records = [RecordTag];
    public static readonly byte[] AllSlots = [SlotTag];

    public static byte[] Record(ulong sequence)
    {
        var key = new byte[1 + 8];
        key[0] = RecordTag;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), sequence);
        return key;
    }

    public static byte[] Id(ReadOnlySpan<byte> id)
    {
        var key = new byte[1 + id.Length];
        key[0] = IdTag;
        id.CopyTo(key.AsSpan(1));
        return key;
    }

    /// <summary>The prefix of every slot of one validator.</summary>
    public static byte[] SlotsOf(uint validator)
    {
        var key = new byte[1 + 4];
        key[0] = SlotTag;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1), validator);
        return key;
    }

    public static byte[] Slot(uint validator, ulong height)
    {
        var key = new byte[1 + 4 + 8];
        key[0] = SlotTag;
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1), validator);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(5), height);
        return key;
    }

    public static byte[] Sequence(ulong sequence)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(value, sequence);
        return value;
    }

    public static byte[] SlotValue(ulong sequence, int size)
    {
        var value = new byte[SlotValueSize];
        BinaryPrimitives.WriteUInt64BigEndian(value, sequence);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(8), size);
        return value;
    }

    /// <summary>Reads a slot value; false when it is not <see cref="SlotValueSize"/> bytes or the size is negative.</summary>
    public static bool TryReadSlot(ReadOnlySpan<byte> value, out ulong sequence, out int size)
    {
        sequence = 0;
        size = 0;
        if (value.Length != SlotValueSize)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt64BigEndian(value);
        size = BinaryPrimitives.ReadInt32BigEndian(value[8..]);
        return size >= 0;
    }
}
