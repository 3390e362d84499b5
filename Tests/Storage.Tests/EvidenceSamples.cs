using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Tests;

/// <summary>
/// Real equivocation evidence: four validator keys derived from numbers, and pairs of conflicting phase votes each
/// signed over the chain's signing layout, described the way the node's recorder describes them.
/// </summary>
internal sealed class EvidenceSamples : IDisposable
{
    public const long RecordedAt = 1_800_000_000_000;

    private readonly Ed25519KeyPair[] _keys;

    public EvidenceSamples()
    {
        _keys = Enumerable.Range(1, 4).Select(n =>
        {
            var seed = new byte[Ed25519KeyPair.SeedSize];
            seed[0] = (byte)n;
            return Ed25519KeyPair.FromSeed(seed);
        }).ToArray();
        Validators = new ValidatorSet(_keys.Select(k => k.PublicKey));
    }

    public ValidatorSet Validators { get; }

    public byte[] PublicKey(uint validator) => _keys[validator].PublicKey;

    /// <summary>Two votes of one kind from one validator at one (height, view) for blocks <paramref name="salt"/>a and b.</summary>
    public Evidence Pair(uint validator, ulong height, ulong view = 0, PhaseVoteKind kind = PhaseVoteKind.Prepare, int salt = 0) => new()
    {
        Validator = validator,
        First = new ConsensusMessage { PhaseVote = Vote(validator, height, view, kind, Hashing.Sha256(BitConverter.GetBytes((salt * 2) + 0))) },
        Second = new ConsensusMessage { PhaseVote = Vote(validator, height, view, kind, Hashing.Sha256(BitConverter.GetBytes((salt * 2) + 1))) },
    };

    public EvidenceRecord Record(uint validator, ulong height, ulong view = 0, PhaseVoteKind kind = PhaseVoteKind.Prepare, int salt = 0,
        long recordedAt = RecordedAt) =>
        Describe(Pair(validator, height, view, kind, salt), recordedAt);

    public EvidenceRecord Describe(Evidence evidence, long recordedAt = RecordedAt) =>
        EvidenceRecords.Describe(evidence, Validators, recordedAt) ?? throw new InvalidOperationException("not evidence");

    public PhaseVote Vote(uint validator, ulong height, ulong view, PhaseVoteKind kind, byte[] hash) => new()
    {
        Kind = kind,
        Height = height,
        View = view,
        BlockHash = ByteString.CopyFrom(hash),
        Sender = validator,
        Signature = ByteString.CopyFrom(_keys[validator].Sign(MessageSigning.Bytes(
            kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare, TestChain.ChainId, height, view, hash))),
    };

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }
}
