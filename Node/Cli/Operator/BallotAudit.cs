using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Ballots;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// A Benaloh challenge: an encrypted ballot made exactly as <c>vote</c> would cast it, opened. Its properties are
/// the --json fields of <c>vote --audit-ballot</c> and the input of <c>ballot check</c>. Everything needed to
/// recompute the ballot is here, so the check trusts nothing but the election's joint key.
/// </summary>
internal sealed record BallotAudit(
    string ChainId,
    string ElectionId,
    string Credential,
    ulong Weight,
    string JointKey,
    uint MinChoices,
    uint MaxChoices,
    IReadOnlyList<AuditedOption> Options,
    IReadOnlyList<string> OptionProofs,
    string SumProof)
{
    public const string Warning =
        "audit only, NOT cast: this ballot's randomness is now known, so it must never be cast; run vote again without " +
        "--audit-ballot to encrypt afresh and vote";

    /// <summary>Always false: said in the output so no one mistakes an audited ballot for a vote.</summary>
    public bool Cast => false;

    public string Note => Warning;

    /// <summary>
    /// SHA-256 of the option ciphertexts (A‖B each, in option order): what the voter compares between a prepared
    /// ballot, its audit or its cast, and the receipt. Empty if a ciphertext is not hex.
    /// </summary>
    public string Fingerprint
    {
        get
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var option in Options ?? [])
            {
                if (!TryHex(option.Ciphertext, out var bytes))
                {
                    return "";
                }

                sha.AppendData(bytes);
            }

            return Hex(sha.GetHashAndReset());
        }
    }

    /// <summary>The ballot as a transaction payload; only for a ballot whose <see cref="Problems"/> are none.</summary>
    public CastEncryptedVote ToPayload(ulong sequence)
    {
        var payload = new CastEncryptedVote { ElectionId = ElectionId, Sequence = sequence };
        payload.Ciphertexts.AddRange(Options.Select(o => ByteString.CopyFrom(Convert.FromHexString(o.Ciphertext))));
        payload.OptionProofs.AddRange(OptionProofs.Select(p => ByteString.CopyFrom(Convert.FromHexString(p))));
        payload.SumProof = ByteString.CopyFrom(Convert.FromHexString(SumProof));
        return payload;
    }

    public static BallotAudit Open(string chainId, string electionId, byte[] credential, ulong weight, GroupElement jointKey,
        uint min, uint max, IReadOnlyList<string> optionNames, IReadOnlyList<bool> choices, EncryptedBallot ballot,
        IReadOnlyList<Scalar> randomness) =>
        new(chainId, electionId, Hex(credential), weight, Hex(jointKey.ToArray()), min, max,
            [.. choices.Select((chosen, i) => new AuditedOption(i, optionNames[i], chosen, chosen ? weight : 0,
                Hex(ballot.Options[i].ToArray()), Hex(randomness[i].ToArray())))],
            [.. ballot.OptionProofs.Select(Hex)],
            Hex(ballot.SumProof));

    /// <summary>
    /// Checks the audit against <paramref name="electionKey"/>, the joint key as the chain holds it: the ballot was
    /// encrypted under that key; every option is the encryption, with its stated randomness, of exactly the weight if
    /// marked and 0 if not (A = r·G, B = v·G + r·H); and the ballot's proofs verify for this chain, election,
    /// credential and weight, so this ballot is what the node would have received. Returns the problems (none: verified).
    /// </summary>
    public IReadOnlyList<string> Problems(GroupElement electionKey)
    {
        var problems = new List<string>();
        if (!TryHex(JointKey, out var keyBytes) || !GroupElement.TryParse(keyBytes, out var key) || !key.Equals(electionKey))
        {
            problems.Add($"the ballot was encrypted under {JointKey}, not the election's joint key {electionKey}");
            return problems;
        }

        if (Weight == 0)
        {
            problems.Add("the weight is 0; every registered credential weighs at least 1");
            return problems;
        }

        var ciphertexts = new List<Ciphertext>(Options.Count);
        foreach (var option in Options)
        {
            if (!TryHex(option.Ciphertext, out var c) || !Ciphertext.TryParse(c, out var ciphertext)
                || !TryHex(option.Randomness, out var r) || !Scalar.TryParse(r, out var randomness))
            {
                problems.Add($"option {option.Index}: the ciphertext or randomness is not a canonical encoding");
                continue;
            }

            ciphertexts.Add(ciphertext);
            var expected = option.Chosen ? Weight : 0;
            if (option.Value != expected)
            {
                problems.Add($"option {option.Index} ('{option.Name}') is {(option.Chosen ? "marked" : "not marked")}, so it must encrypt {expected}, not {option.Value}");
            }
            else if (!CiphertextOpening.Opens(ciphertext, key, randomness, expected))
            {
                problems.Add($"option {option.Index} ('{option.Name}') does not encrypt {expected} with the given randomness");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var proofs = new List<byte[]>();
        foreach (var proof in OptionProofs)
        {
            proofs.Add(TryHex(proof, out var bytes) ? bytes : []);
        }

        var sumProof = TryHex(SumProof, out var sum) ? sum : [];
        var context = TryHex(Credential, out var credential) ? SecretContexts.Ballot(ChainId, ElectionId, credential, Weight) : [];
        if (!new EncryptedBallot(ciphertexts, proofs, sumProof).Verify(context, key, Weight, Options.Count, (int)MinChoices, (int)MaxChoices))
        {
            problems.Add("the ballot's proofs do not verify for this chain, election, credential and weight: the node would refuse it");
        }

        return problems;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static bool TryHex(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length % 2 != 0)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>One option of an audited ballot: what it encrypts and the randomness that opens it.</summary>
internal sealed record AuditedOption(int Index, string Name, bool Chosen, ulong Value, string Ciphertext, string Randomness);
