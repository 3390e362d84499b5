using VoteChain.Consensus.State;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// One set of validators (genesis's, or one a governance change put in force) and the quorum arithmetic: n = 3f+1 tolerates f Byzantine validators, and any two
/// quorums of 2f+1 share at least one honest validator.
/// </summary>
public sealed class ValidatorSet
{
    private readonly byte[][] _keys;
    private readonly Dictionary<byte[], int> _indexes;

    public ValidatorSet(IEnumerable<byte[]> publicKeys)
    {
        _keys = publicKeys.Select(k => (byte[])k.Clone()).ToArray();
        if (_keys.Length == 0)
        {
            throw new ArgumentException("A chain needs at least one validator.", nameof(publicKeys));
        }

        _indexes = new Dictionary<byte[], int>(ByteKeyComparer.Instance);
        for (var i = 0; i < _keys.Length; i++)
        {
            if (!_indexes.TryAdd(_keys[i], i))
            {
                throw new ArgumentException($"Validator {i} repeats an earlier validator's key.", nameof(publicKeys));
            }
        }
    }

    public int Count => _keys.Length;

    /// <summary>How many Byzantine validators the set tolerates: floor((n-1)/3).</summary>
    public int MaxFaulty => (Count - 1) / 3;

    /// <summary>
    /// The smallest q with 2q - n &gt;= f+1, i.e. ceil((n+f+1)/2): any two quorums share f+1 validators, so at least
    /// one honest one, and the n-f honest validators still make a quorum. For n = 3f+1 this is the familiar 2f+1;
    /// 2f+1 alone would be unsafe for other sizes (two quorums of 3 among 6 validators need not overlap at all).
    /// </summary>
    public int Quorum => (Count + MaxFaulty + 2) / 2;

    /// <summary>f+1: enough that at least one of them is honest.</summary>
    public int OneHonest => MaxFaulty + 1;

    public ReadOnlySpan<byte> PublicKey(int index) => _keys[index];

    public int? IndexOf(byte[] publicKey) => _indexes.TryGetValue(publicKey, out var index) ? index : null;

    public bool Contains(uint index) => index < (uint)Count;

    /// <summary>The primary of (height, view): round-robin over both, so a faulty primary loses only its turns.</summary>
    public int Primary(ulong height, ulong view) => (int)((height + view) % (ulong)Count);

    /// <summary>True when the change names exactly these keys, in this order.</summary>
    public bool Matches(Protos.V1.ValidatorChange change) =>
        change.PublicKeys.Count == Count && change.PublicKeys.Select((k, i) => k.Span.SequenceEqual(_keys[i])).All(same => same);

    public static ValidatorSet From(Protos.V1.Genesis genesis) =>
        new(genesis.Validators.Select(v => v.PublicKey.ToByteArray()));
}
