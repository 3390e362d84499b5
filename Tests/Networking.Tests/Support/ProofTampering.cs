using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests.Support;

/// <summary>
/// Every one-byte change of a proven state (records, proofs, header, certificate), each as a named change to apply to a
/// clone: what the tests of proven standings and tally proofs feed their verifiers, expecting every one to fail.
/// </summary>
internal static class ProofTampering
{
    /// <summary>A named change of a message of type <typeparamref name="T"/>, made on a clone.</summary>
    internal sealed record Change<T>(string What, Action<T> Apply);

    /// <summary>Each byte of <paramref name="bytes"/> with its lowest bit flipped, one at a time.</summary>
    public static IEnumerable<(string What, ByteString Bytes)> Flips(string what, ByteString bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = bytes.ToByteArray();
            copy[i] ^= 0x01;
            yield return ($"{what} byte {i}", ByteString.CopyFrom(copy));
        }
    }

    /// <summary>A proven record's bytes, its presence and each byte of its proof.</summary>
    public static IEnumerable<Change<ProvenRecord>> Record(string what, ProvenRecord record)
    {
        if (record.HasRecord)
        {
            foreach (var (name, flipped) in Flips($"{what} record", record.Record))
            {
                yield return new(name, r => r.Record = flipped);
            }

            yield return new($"{what} record removed", r => r.ClearRecord());
        }
        else
        {
            // An all-default record serializes to no bytes and is a record: not the absence the proof shows.
            yield return new($"{what} empty record added", r => r.Record = ByteString.Empty);
        }

        var proof = record.Proof;
        for (var s = 0; s < proof.Siblings.Count; s++)
        {
            var index = s;
            foreach (var (name, flipped) in Flips($"{what} sibling {s}", proof.Siblings[s]))
            {
                yield return new(name, r => r.Proof.Siblings[index] = flipped);
            }
        }

        foreach (var (name, flipped) in Flips($"{what} leaf path", proof.LeafPath))
        {
            yield return new(name, r => r.Proof.LeafPath = flipped);
        }

        foreach (var (name, flipped) in Flips($"{what} leaf value hash", proof.LeafValueHash))
        {
            yield return new(name, r => r.Proof.LeafValueHash = flipped);
        }

        if (proof.Siblings.Count > 0)
        {
            yield return new($"{what} last sibling dropped", r => r.Proof.Siblings.RemoveAt(r.Proof.Siblings.Count - 1));
        }

        yield return new($"{what} sibling added", r => r.Proof.Siblings.Add(ByteString.CopyFrom(Enumerable.Repeat((byte)7, 32).ToArray())));
    }

    /// <summary>Each byte of the certificate's block hash and signatures, and its height, view and signers.</summary>
    public static IEnumerable<Change<CommitCertificate>> Certificate(CommitCertificate certificate)
    {
        foreach (var (name, flipped) in Flips("certificate block hash", certificate.BlockHash))
        {
            yield return new(name, c => c.BlockHash = flipped);
        }

        for (var s = 0; s < certificate.Signatures.Count; s++)
        {
            var index = s;
            foreach (var (name, flipped) in Flips($"certificate signature {s}", certificate.Signatures[s].Signature))
            {
                yield return new(name, c => c.Signatures[index].Signature = flipped);
            }

            yield return new($"certificate signer {s}", c => c.Signatures[index].ValidatorIndex++);
        }

        yield return new("certificate height", c => c.Height++);
        yield return new("certificate view", c => c.View++);
        yield return new("certificate signatures removed", c => c.Signatures.Clear());
    }

    /// <summary>Each byte of a message's encoding flipped: the changes that still parse (the rest are refused as they are read).</summary>
    public static IEnumerable<(string What, T Message)> EncodingFlips<T>(T message, MessageParser<T> parser)
        where T : IMessage<T>
    {
        foreach (var (name, flipped) in Flips("encoding", message.ToByteString()))
        {
            T parsed;
            try
            {
                parsed = parser.ParseFrom(flipped);
            }
            catch (InvalidProtocolBufferException)
            {
                continue;
            }

            yield return (name, parsed);
        }
    }
}
