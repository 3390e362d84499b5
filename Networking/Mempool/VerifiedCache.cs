using VoteChain.Consensus.Transactions;
using VoteChain.Networking.Caching;

namespace VoteChain.Networking.Mempool;

/// <summary>
/// Envelopes whose signature checked out but which the rules refused (an election or registration not there yet, a
/// full pool, a revote too soon), kept as their <see cref="VerifiedTx"/> by id. A signature is a property of the bytes,
/// so a repeat needs the rules again (state may have changed) but never a second verification: without this, one
/// validly signed vote for an election that does not exist could be sent forever, each copy costing an Ed25519 check.
/// Bounded in count and in envelope bytes (the parsed payload costs about as much again, a registration of thousands
/// of voters some three times); past either bound the oldest entry is forgotten, so a flood of distinct ones costs
/// verifications (the submit rates bound those) but never memory.
/// </summary>
public sealed class VerifiedCache
{
    /// <summary>Some 600 bytes an entry for a vote (envelope, parsed payload, dictionary and queue slots): about 10 MiB.</summary>
    public const int DefaultCapacity = 16_384;

    /// <summary>Envelope bytes held at most: 32 max-size (256 KiB) registrations, about 32 MiB with their parsed payloads.</summary>
    public const long DefaultMaxBytes = 8L * 1024 * 1024;

    private readonly FifoMap<VerifiedTx> _byId;
    private readonly object _gate = new();

    public VerifiedCache(int capacity = DefaultCapacity, long maxBytes = DefaultMaxBytes) =>
        _byId = new FifoMap<VerifiedTx>(capacity, maxBytes);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public VerifiedTx? Find(byte[] txId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(txId, out var tx) ? tx : null;
        }
    }

    public void Remember(VerifiedTx tx)
    {
        ArgumentNullException.ThrowIfNull(tx);
        lock (_gate)
        {
            _byId.TryAdd(tx.Id, tx, tx.EnvelopeBytes.Length);
        }
    }
}
