using System.Security.Cryptography;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>
/// Whether a receipt's vote is the ballot counted for its credential, proven against a certified header and trusting
/// only the genesis validators (docs/STATE-PROOFS.md): the header's certificate is checked against the set in force at
/// its height (walked through the receipt's set changes and the standing's later ones), then the credential's record
/// and ballot, each proven present or absent under the header's state_root at the key the envelope itself names, are
/// judged by <see cref="ReceiptStanding"/>. A receipt without a proven standing gets the node's word, as before.
/// <see cref="ReceiptVerifier"/> proves the transaction committed; this says what it counts for. Pure: no I/O, no clock.
/// </summary>
public sealed class StandingVerifier
{
    private readonly CertifiedHeaders _headers;

    public StandingVerifier(ValidatorSet validators, string chainId) => _headers = new CertifiedHeaders(validators, chainId);

    /// <summary>
    /// The vote's standing. Null <paramref name="problem"/>: the verdict holds (proven when the receipt carries a proven
    /// standing, else the node's word, <see cref="VoteStandingVerdict.Proven"/> says which). Otherwise the proven standing
    /// does not verify, the problem says why in one sentence, and the verdict says nothing (counted unknown, no height).
    /// </summary>
    public VoteStandingVerdict Judge(Receipt receipt, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        problem = null;
        if (receipt.ProvenStanding is not { } standing || !ReceiptStanding.TryReadVote(receipt.Envelope, out var electionId, out var signer))
        {
            return ReceiptStanding.Judge(receipt);
        }

        problem = Problem(receipt, standing, electionId, signer, out var verdict);
        return verdict ?? new VoteStandingVerdict(null, $"FAILED: the proven standing does not verify: {problem}", null);
    }

    private string? Problem(Receipt receipt, ProvenStanding standing, string electionId, byte[] signer, out VoteStandingVerdict? verdict)
    {
        verdict = null;
        // The key is built from the envelope, so the envelope must be the receipt's transaction.
        if (!CryptographicOperations.FixedTimeEquals(Hashing.Sha256(receipt.Envelope.Span), receipt.TxId.Span))
        {
            return "The receipt's envelope does not hash to its transaction id.";
        }

        var changes = receipt.SetChanges.Concat(standing.SetChanges).ToList();
        if (_headers.Problem(standing.Header, standing.Certificate, changes, out var header) is { } uncertified)
        {
            return uncertified;
        }

        if (header!.Height < receipt.Height)
        {
            return $"The proven standing is at height {header.Height}, before the vote's block {receipt.Height}.";
        }

        var key = StateKeys.Credential(electionId, signer);
        var root = header.StateRoot.Span;
        if (ProvenRecords.Problem(root, StateColumn.Credentials, key, standing.Credential, CredentialRecord.Parser, "credential record",
                out var credential) is { } credentialProblem)
        {
            return credentialProblem;
        }

        if (ProvenRecords.Problem(root, StateColumn.Ballots, key, standing.Ballot, BallotRecord.Parser, "ballot record",
                out var ballot) is { } ballotProblem)
        {
            return ballotProblem;
        }

        verdict = ReceiptStanding.Judge(receipt, credential, ballot, header.Height, proven: true);
        return null;
    }
}
