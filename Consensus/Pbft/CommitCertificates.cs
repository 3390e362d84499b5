using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Pbft;

/// <summary>
/// Builds and checks commit certificates. Checking needs only the certificate, the block hash and the validator
/// set: this is what observers, syncing nodes and voters' receipts rely on, trusting no node.
/// </summary>
public static class CommitCertificates
{
    public static CommitCertificate Build(ulong height, ulong view, byte[] blockHash, IEnumerable<KeyValuePair<uint, byte[]>> signatures)
    {
        var certificate = new CommitCertificate { Height = height, View = view, BlockHash = ByteString.CopyFrom(blockHash) };
        certificate.Signatures.AddRange(signatures.OrderBy(s => s.Key)
            .Select(s => new CommitSignature { ValidatorIndex = s.Key, Signature = ByteString.CopyFrom(s.Value) }));
        return certificate;
    }

    /// <summary>Null when the certificate proves that the block with this hash was committed at this height.</summary>
    public static string? Problem(CommitCertificate? certificate, ValidatorSet validators, string chainId, ulong height,
        ReadOnlySpan<byte> blockHash)
    {
        if (certificate is null)
        {
            return "the block carries no commit certificate";
        }

        if (certificate.Height != height)
        {
            return $"the certificate is for height {certificate.Height}, not {height}";
        }

        if (!certificate.BlockHash.Span.SequenceEqual(blockHash))
        {
            return "the certificate is for another block hash";
        }

        return QuorumProblem(certificate.Signatures, validators, SignStep.Commit, chainId, height, certificate.View,
            blockHash, "commit");
    }

    /// <summary>
    /// Null when the signatures are a quorum of distinct validators, each valid over the message of this step.
    /// Shared by commit and prepared certificates.
    /// </summary>
    internal static string? QuorumProblem(IEnumerable<CommitSignature> signatures, ValidatorSet validators, SignStep step,
        string chainId, ulong height, ulong view, ReadOnlySpan<byte> blockHash, string what)
    {
        var message = MessageSigning.Bytes(step, chainId, height, view, blockHash);
        var signers = new HashSet<uint>();
        foreach (var signature in signatures)
        {
            if (!validators.Contains(signature.ValidatorIndex))
            {
                return $"a {what} signature names validator {signature.ValidatorIndex}, which does not exist";
            }

            if (!signers.Add(signature.ValidatorIndex))
            {
                return $"validator {signature.ValidatorIndex} signs the {what} certificate twice";
            }

            if (!Ed25519.Verify(validators.PublicKey((int)signature.ValidatorIndex), message, signature.Signature.Span))
            {
                return $"the {what} signature of validator {signature.ValidatorIndex} does not verify";
            }
        }

        return signers.Count >= validators.Quorum
            ? null
            : $"the {what} certificate holds {signers.Count} signatures; a quorum is {validators.Quorum}";
    }
}
