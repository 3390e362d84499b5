using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// The Prepare or Commit votes of one height: one vote per (view, sender). A second, different vote from the same
/// sender for the same view is equivocation: it is not counted and the pair is returned as evidence.
/// </summary>
internal sealed class PhaseVoteBook
{
    private readonly Dictionary<ulong, Dictionary<uint, PhaseVote>> _byView = [];

    /// <summary>Adds a verified vote; returns the earlier conflicting vote when the sender equivocates.</summary>
    public PhaseVote? Add(PhaseVote vote, out bool added)
    {
        if (!_byView.TryGetValue(vote.View, out var senders))
        {
            senders = [];
            _byView[vote.View] = senders;
        }

        if (senders.TryGetValue(vote.Sender, out var earlier))
        {
            added = false;
            return earlier.BlockHash.Equals(vote.BlockHash) ? null : earlier;
        }

        senders[vote.Sender] = vote;
        added = true;
        return null;
    }

    /// <summary>Forgets the votes of views before <paramref name="cutoff"/>.</summary>
    public void ForgetViewsBefore(ulong cutoff)
    {
        foreach (var view in _byView.Keys.Where(v => v < cutoff).ToList())
        {
            _byView.Remove(view);
        }
    }

    /// <summary>The signatures of the votes for this block hash in this view.</summary>
    public List<KeyValuePair<uint, byte[]>> For(ulong view, ReadOnlySpan<byte> hash)
    {
        var result = new List<KeyValuePair<uint, byte[]>>();
        if (_byView.TryGetValue(view, out var senders))
        {
            foreach (var vote in senders.Values)
            {
                if (vote.BlockHash.Span.SequenceEqual(hash))
                {
                    result.Add(new(vote.Sender, vote.Signature.ToByteArray()));
                }
            }
        }

        return result;
    }

    /// <summary>Every (view, block hash) that has at least <paramref name="quorum"/> votes.</summary>
    public IEnumerable<(ulong View, byte[] Hash)> Quorums(int quorum) =>
        _byView.SelectMany(view => view.Value.Values
            .GroupBy(v => v.BlockHash)
            .Where(g => g.Count() >= quorum)
            .Select(g => (view.Key, g.Key.ToByteArray())));
}
