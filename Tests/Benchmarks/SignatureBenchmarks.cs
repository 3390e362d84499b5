using BenchmarkDotNet.Attributes;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;

namespace VoteChain.Benchmarks;

/// <summary>Ed25519 on one core: a verification, and a whole envelope decode (parse, canonical check, verify, hash).</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private readonly byte[] _message = new byte[120];
    private BenchmarkChain _chain = null!;
    private byte[] _envelope = null!;
    private byte[] _publicKey = null!;
    private byte[] _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _chain = new BenchmarkChain(1);
        _envelope = _chain.SignedVotes()[0];
        using var key = Ed25519KeyPair.Generate();
        _publicKey = key.PublicKey;
        _signature = key.Sign(_message);
    }

    [Benchmark]
    public bool Ed25519Verify() => Ed25519.Verify(_publicKey, _message, _signature);

    [Benchmark]
    public VerifiedTx DecodeAndVerifyVote() => _chain.Decode(_envelope);
}
