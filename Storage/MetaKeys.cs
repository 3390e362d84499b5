using System.Buffers.Binary;
using System.Text;

namespace VoteChain.Storage;

/// <summary>Keys of the meta and sign-state columns, and the fixed-width height encoding.</summary>
internal static class MetaKeys
{
    public static readonly byte[] ChainId = Encoding.ASCII.GetBytes("chain_id");
    public static readonly byte[] GenesisHash = Encoding.ASCII.GetBytes("genesis_hash");
    public static readonly byte[] HeadHeight = Encoding.ASCII.GetBytes("head_height");
    public static readonly byte[] HeadHash = Encoding.ASCII.GetBytes("head_hash");
    public static readonly byte[] StateRoot = Encoding.ASCII.GetBytes("state_root");

    /// <summary>The folder's format version (<see cref="StoreFormat"/>): this key and its encoding never change.</summary>
    public static readonly byte[] FormatVersion = Encoding.ASCII.GetBytes("format_version");

    /// <summary>Present only while a state sync writes into the folder (the height it restores): a crash leaves it behind.</summary>
    public static readonly byte[] Restoring = Encoding.ASCII.GetBytes("state_sync_restoring");

    /// <summary>
    /// The lowest height whose block the folder holds, when not 1: the height of the snapshot a state sync started it
    /// from (no block below it was ever written here). Absent on a folder synced from genesis.
    /// </summary>
    public static readonly byte[] OldestBlock = Encoding.ASCII.GetBytes("oldest_block");

    /// <summary>The single key of the old sign-state column (see <see cref="StoreColumn.SignState"/>).</summary>
    public static readonly byte[] SignState = Encoding.ASCII.GetBytes("sign_state");

    /// <summary>Big-endian, so that RocksDB's bytewise order is height order.</summary>
    public static byte[] Height(ulong height)
    {
        var key = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(key, height);
        return key;
    }
}
