using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using VoteChain.Consensus.State.Merkle;

namespace VoteChain.Benchmarks;

/// <summary>
/// One internal node hash (a 24-byte domain and two 32-byte hashes), as the state tree computes it (a SHA-256 context
/// kept per thread and reset), next to the BCL's one-shot SHA256.HashData over the same 88 bytes: why the tree keeps one.
/// </summary>
[MemoryDiagnoser]
public class TreeHashBenchmarks
{
    private readonly byte[] _left = new byte[32];
    private readonly byte[] _right = new byte[32];
    private readonly byte[] _joined = new byte[88];

    [Benchmark(Baseline = true)]
    public byte[] OneShotSha256() => SHA256.HashData(_joined);

    [Benchmark]
    public byte[] InternalNodeHash() => TreeHashes.Internal(_left, _right);
}
