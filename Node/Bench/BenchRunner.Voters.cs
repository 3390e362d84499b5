using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Bench;

/// <summary>The bench's election and voters, for other loads than the bench's own (the chaos run's).</summary>
internal sealed partial class BenchRunner
{
    /// <summary>
    /// An open election that allows revotes, named <paramref name="prefix"/> and the time, with
    /// <paramref name="voters"/> generated voters registered; returns the voters' key seeds.
    /// </summary>
    internal async Task<(string Election, byte[][] Seeds)> PrepareRevotingElectionAsync(int voters, string prefix, CancellationToken cancellation)
    {
        ReadChainId();
        var election = $"{prefix}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        var (seeds, publicKeys) = NewVoters(voters);
        await CreateElectionAsync(election, secret: false, cancellation, allowRevote: true).ConfigureAwait(false);
        await RegisterAsync(election, publicKeys, cancellation).ConfigureAwait(false);
        return (election, seeds);
    }

    /// <summary>An open vote for <paramref name="option"/>, signed by the voter whose key seed is <paramref name="seed"/>.</summary>
    internal byte[] SignVote(byte[] seed, string election, uint option, ulong sequence)
    {
        using var key = Ed25519KeyPair.FromSeed(seed);
        return Sign(key, new TxPayload { CastVote = new CastVote { ElectionId = election, Option = option, Sequence = sequence } });
    }
}
