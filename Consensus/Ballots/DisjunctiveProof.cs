namespace VoteChain.Consensus.Ballots;

/// <summary>
/// A disjunctive Chaum-Pedersen proof in compact form: per allowed value j a challenge share c_j and a response
/// z_j, encoded c_0 ‖ z_0 ‖ c_1 ‖ z_1 ‖ … (64 bytes a branch). The commitments are not sent: the verifier recomputes
/// them from (c_j, z_j) and hashes them, which binds them exactly as if they had travelled.
/// </summary>
public sealed class DisjunctiveProof
{
    public const int BranchSize = 2 * Scalar.Size;

    /// <summary>Upper bound on branches a verifier will look at, so a hostile statement cannot cost unbounded time.</summary>
    public const int MaxBranches = 1024;

    internal DisjunctiveProof(IReadOnlyList<(Scalar C, Scalar Z)> branches) => Branches = branches;

    public IReadOnlyList<(Scalar C, Scalar Z)> Branches { get; }

    public int EncodedSize => Branches.Count * BranchSize;

    /// <summary>Parses exactly <paramref name="branchCount"/> branches of canonical scalars; anything else is refused.</summary>
    public static bool TryParse(ReadOnlySpan<byte> encoded, int branchCount, out DisjunctiveProof proof)
    {
        proof = new DisjunctiveProof([]);
        if (branchCount < 1 || branchCount > MaxBranches || encoded.Length != branchCount * BranchSize)
        {
            return false;
        }

        var branches = new (Scalar, Scalar)[branchCount];
        for (var j = 0; j < branchCount; j++)
        {
            var at = encoded.Slice(j * BranchSize, BranchSize);
            if (!Scalar.TryParse(at[..Scalar.Size], out var c) || !Scalar.TryParse(at[Scalar.Size..], out var z))
            {
                return false;
            }

            branches[j] = (c, z);
        }

        proof = new DisjunctiveProof(branches);
        return true;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedSize];
        for (var j = 0; j < Branches.Count; j++)
        {
            Branches[j].C.CopyTo(bytes.AsSpan(j * BranchSize));
            Branches[j].Z.CopyTo(bytes.AsSpan(j * BranchSize + Scalar.Size));
        }

        return bytes;
    }
}
