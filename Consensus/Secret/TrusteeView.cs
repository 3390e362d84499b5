using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// What a trustee plans from: one secret election's records read together at one committed height, the block time
/// of that height's block (<paramref name="HeadTimeUnixMs"/>), the chain they belong to and the trustee's clock.
/// </summary>
/// <param name="HeadTimeUnixMs">Decides decryption: shares are made only once the committed head is past the close,
/// when no vote can ever be added to the sums.</param>
/// <param name="NowUnixMs">Decides the key generation phases (a step sent a little early is refused and planned
/// again) and when to ask for a block past the close.</param>
public sealed record TrusteeView(string ChainId, byte[] GenesisHash, ElectionRecord Election, SecretRecord? Secret,
    TallyRecord Tally, long HeadTimeUnixMs, long NowUnixMs);
