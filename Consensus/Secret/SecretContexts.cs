using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Secret;

/// <summary>
/// The one home of the statements secret-ballot proofs are bound to. Each is a domain tag and length-prefixed
/// fields; the proof's own transcript adds its tag, the keys and the ciphertexts (docs/PRIVACY.md). A proof made
/// for one chain, election, credential, weight, dealer, trustee or option fails for any other.
/// </summary>
public static class SecretContexts
{
    /// <summary>A ballot: chain, election, the casting credential and its registered weight.</summary>
    public static byte[] Ballot(string chainId, string electionId, ReadOnlySpan<byte> credential, ulong weight) =>
        new ContextBuilder("votechain/v1/secret/ballot").Text(chainId).Text(electionId).Bytes(credential).Number(weight).ToArray();

    /// <summary>A dealer's proof of knowledge of its constant term.</summary>
    public static byte[] Dealer(string chainId, string electionId, uint dealer) =>
        new ContextBuilder("votechain/v1/secret/dealer").Text(chainId).Text(electionId).Number(dealer).ToArray();

    /// <summary>A trustee's decryption share of one option's summed ciphertext.</summary>
    public static byte[] DecryptionShare(string chainId, string electionId, uint trustee, int option) =>
        new ContextBuilder("votechain/v1/secret/decryption-share").Text(chainId).Text(electionId).Number(trustee)
            .Number((ulong)option).ToArray();
}
