using VoteChain.Consensus.Rules;
using VoteChain.Networking.Caching;

namespace VoteChain.Networking.Mempool;

/// <summary>
/// Envelopes refused for a reason that lies in their bytes alone (malformed, wrong chain, bad signature: whatever
/// <see cref="Consensus.Transactions.TxDecoder"/> refuses; and BAD_PROOF, a zero-knowledge proof false against a
/// statement the chain never changes), remembered by SHA-256 of those bytes. The same bytes
/// are refused the same way every time, so a repeat costs one hash instead of a parse and a signature check, and
/// no one can make a valid envelope look refused (a different envelope has a different hash). Bounded: past
/// <c>capacity</c> the oldest entry is forgotten, so a flood of distinct bad envelopes costs verifications (the
/// submit-rate limits bound those) but never memory.
/// </summary>
public sealed class RefusalCache
{
    /// <summary>
    /// Estimated 150 bytes an entry (hash array, dictionary and queue slots, the rejection; its sentence is shared),
    /// up to some 450 for WRONG_CHAIN, whose sentence names the foreign chain: 5 to 15 MiB when full. One flood of one
    /// envelope needs one entry; the bound only has to outlast a cycle of distinct ones the rate limits let through.
    /// </summary>
    public const int DefaultCapacity = 32_768;

    private readonly FifoMap<Rejection> _refused;
    private readonly object _gate = new();

    public RefusalCache(int capacity = DefaultCapacity) => _refused = new FifoMap<Rejection>(capacity);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _refused.Count;
            }
        }
    }

    public Rejection? Find(byte[] envelopeHash)
    {
        lock (_gate)
        {
            return _refused.TryGetValue(envelopeHash, out var rejection) ? rejection : null;
        }
    }

    public void Remember(byte[] envelopeHash, Rejection rejection)
    {
        lock (_gate)
        {
            _refused.TryAdd(envelopeHash, rejection);
        }
    }
}
