using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>What a verified <see cref="TallyProof"/> proves: the election and its tally as the chain held them at the header.</summary>
public sealed record ProvenTally(string ElectionId, BlockHeader Header, byte[] BlockHash, int Signatures, ElectionRecord Election,
    TallyRecord Tally);

/// <summary>
/// Checks a <see cref="TallyProof"/> trusting only the genesis validators (docs/STATE-PROOFS.md): the header's
/// certificate against the set in force at its height (<see cref="CertifiedHeaders"/>), then the election's record
/// and its tally record, each proven under the header's state_root at the keys the election id names. For a secret
/// election the tally record holds the published result, or the encrypted sums before it: whatever it holds is proven,
/// and every replica checked a published result before it wrote it. Pure: no I/O, no clock.
/// </summary>
public sealed class TallyProofVerifier
{
    private readonly CertifiedHeaders _headers;

    public TallyProofVerifier(ValidatorSet validators, string chainId) => _headers = new CertifiedHeaders(validators, chainId);

    /// <summary>The proven tally, or null with the first problem as one sentence.</summary>
    public ProvenTally? Verify(TallyProof proof, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(proof);
        problem = Problem(proof, out var proven);
        return proven;
    }

    private string? Problem(TallyProof proof, out ProvenTally? proven)
    {
        proven = null;
        var id = proof.ElectionId;
        if (id.Length == 0)
        {
            return "The tally proof names no election.";
        }

        if (_headers.Problem(proof.Header, proof.Certificate, proof.SetChanges, out var header) is { } uncertified)
        {
            return uncertified;
        }

        var root = header!.StateRoot.Span;
        var at = $"at height {header.Height}";
        if (ProvenRecords.Problem(root, StateColumn.Elections, StateKeys.Election(id), proof.Election, ElectionRecord.Parser,
                "election record", out var election) is { } electionProblem)
        {
            return electionProblem;
        }

        if (election is null || election.Definition is null || election.Definition.ElectionId != id)
        {
            return $"The proof shows there is no election '{RequestChecks.Printable(id)}' {at}.";
        }

        if (ProvenRecords.Problem(root, StateColumn.Tallies, StateKeys.Tally(id), proof.Tally, TallyRecord.Parser,
                "tally record", out var tally) is { } tallyProblem)
        {
            return tallyProblem;
        }

        if (tally is null)
        {
            return $"The proof shows election '{id}' has no tally record {at}.";
        }

        proven = new ProvenTally(id, header, Hashing.Sha256(proof.Header.Span), proof.Certificate.Signatures.Count, election, tally);
        return null;
    }
}
