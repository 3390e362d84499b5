using VoteChain.Consensus.Crypto;

namespace VoteChain.Consensus.Anonymous;

/// <summary>
/// The one home of the bytes signed in an anonymous election (docs/ANONYMITY.md): the roll entry's request to an
/// issuer, and the credential message the issuers sign blindly. Each starts with its own domain tag and length-prefixed
/// fields, so neither can pass for the other, for a transaction, or for a secret-ballot statement.
/// </summary>
public static class AnonymousSigning
{
    /// <summary>Bytes of the random prefix of RFC 9474's randomized variant, prepended to the credential message.</summary>
    public const int PrefixSize = IssuerKeyCheck.PrefixSize;

    /// <summary>
    /// What a roll entry signs with its identity key to ask an issuer for a blind signature: the chain, the election,
    /// the issuer, the issuer's key for the entry's weight (by hash) and the hash of the blinded message. The issuer
    /// publishes the signature in its poll book entry, which proves the voter asked, and what for.
    /// </summary>
    public static byte[] Request(string chainId, string electionId, ReadOnlySpan<byte> issuer, ReadOnlySpan<byte> weightKey,
        ReadOnlySpan<byte> requestHash) =>
        new ContextBuilder("votechain/v1/anonymous/credential-request").Text(chainId).Text(electionId).Bytes(issuer)
            .Bytes(Hashing.Sha256(weightKey)).Bytes(requestHash).ToArray();

    /// <summary>
    /// The message every issuer signs blindly: the chain, the election, the weight and the credential's public key. The
    /// weight is also vouched for by the key that signs (each weight has its own issuer key), since the issuer cannot
    /// read what it signs.
    /// </summary>
    public static byte[] CredentialMessage(string chainId, string electionId, ulong weight, ReadOnlySpan<byte> credential) =>
        new ContextBuilder("votechain/v1/anonymous/credential").Text(chainId).Text(electionId).Number(weight)
            .Bytes(credential).ToArray();

    /// <summary>
    /// What an issuer's key for one weight signs when it is first pinned: proof that the issuer posting it holds it,
    /// bound to the chain, the election, that issuer and the weight, so no one can pin another issuer's key as theirs.
    /// </summary>
    public static byte[] WeightKeyProof(string chainId, string electionId, ReadOnlySpan<byte> issuer, ulong weight) =>
        new ContextBuilder("votechain/v1/anonymous/weight-key").Text(chainId).Text(electionId).Bytes(issuer).Number(weight).ToArray();

    /// <summary>The bytes an issuer's RSA-PSS signature covers: the random prefix, then the credential message.</summary>
    public static byte[] Prepared(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message)
    {
        var prepared = new byte[prefix.Length + message.Length];
        prefix.CopyTo(prepared);
        message.CopyTo(prepared.AsSpan(prefix.Length));
        return prepared;
    }
}
