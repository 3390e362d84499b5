using System.Security.Cryptography;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The weights a trustee decrypted, per election and summed ciphertexts, so a result that has to be sent again (it
/// was refused, dropped, or another trustee's came first) costs no second discrete-log table, which takes seconds at
/// large weights. Valid decryption shares of the same sums decrypt to the same weights whichever T are combined, so
/// the sums and the counted weight are the whole key. Not thread-safe: one per trustee loop.
/// </summary>
public sealed class SolvedResults
{
    /// <summary>Elections with a result due at once are few; beyond this the oldest entries are simply dropped.</summary>
    private const int Capacity = 16;

    private readonly Dictionary<(string Election, string Sums), ulong[]> _solved = [];
    private readonly Queue<(string Election, string Sums)> _order = new();

    /// <summary>How many results were actually solved (not found here): for tests and the node's status.</summary>
    public int Solved { get; private set; }

    internal bool TryGet(string electionId, TallyRecord tally, out ulong[] weights) =>
        _solved.TryGetValue((electionId, Key(tally)), out weights!);

    internal void Add(string electionId, TallyRecord tally, ulong[] weights)
    {
        Solved++;
        var key = (electionId, Key(tally));
        if (_solved.TryAdd(key, weights))
        {
            _order.Enqueue(key);
            while (_order.Count > Capacity)
            {
                _solved.Remove(_order.Dequeue());
            }
        }
    }

    private static string Key(TallyRecord tally)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(tally.CountedWeight));
        foreach (var sum in tally.OptionCiphertexts)
        {
            hash.AppendData(BitConverter.GetBytes(sum.Length));
            hash.AppendData(sum.Span);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
