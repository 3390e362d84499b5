using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// What <c>governance propose</c> and <c>governance approve</c> share once the transaction is built: sign and submit it
/// (the node's refusal, NOT_VALIDATOR say, is the one-line error), and with --wait follow the proposal until the
/// signer's approval is counted in committed state, then say where the proposal stands.
/// </summary>
internal static class GovernanceSubmission
{
    public static void Run(NodeSession session, Ed25519KeyPair validator, TxPayload payload, byte[] proposalId, bool wait,
        bool json, TextWriter stdout)
    {
        var proposing = payload.KindCase == TxPayload.KindOneofCase.GovernanceProposal;
        var txId = session.Submit(validator, payload, proposing ? "proposal" : "approval");
        if (proposing)
        {
            proposalId = txId;
        }

        var id = HexInput.Format(proposalId);
        if (!json)
        {
            // The id first, on its own: a wait that times out still leaves the operator what the others approve.
            stdout.WriteLine(proposing ? $"proposal {id} submitted" : $"approval of proposal {id} submitted in tx {HexInput.Format(txId)}");
            stdout.Flush();
        }

        GovernanceResponse? committed = null;
        if (wait)
        {
            // The signer's key among the approvals: its proposal or approval executed (a proposer's signature is its approval).
            committed = Polling.Until(() => Counted(session, proposalId, validator.PublicKey, id),
                proposing ? "the proposal to commit" : "the approval to commit");
        }

        var standing = committed?.Proposals[0];
        var view = committed is null ? null : new GovernanceView(committed);
        if (json)
        {
            JsonOutput.Write(stdout, new SubmittedJson(id, HexInput.Format(txId), standing is null ? null : view!.ToJson(standing)));
            return;
        }

        if (standing is not null)
        {
            stdout.WriteLine($"{(proposing ? $"committed at height {standing.Record.ProposedHeight}: " : "committed: ")}{view!.Summary(standing.Record.Proposal, standing.Evidence)}");
            stdout.WriteLine(GovernanceView.StandingText(standing));
        }
        else
        {
            stdout.WriteLine("use --wait to see it committed, or `votechain governance list`");
        }
    }

    /// <summary>
    /// The answer once the signer's approval is counted; null while it may still be. A proposal that closed without it
    /// (others completed the quorum first, or it expired) never will count it: waiting on would only time out.
    /// </summary>
    private static GovernanceResponse? Counted(NodeSession session, byte[] proposalId, byte[] signer, string id)
    {
        if (session.Governance(proposalId: proposalId) is not { } governance || governance.Proposals.FirstOrDefault() is not { } standing)
        {
            return null;
        }

        if (standing.Record.Approvals.Any(a => a.Span.SequenceEqual(signer)))
        {
            return governance;
        }

        return standing.Status is "open"
            ? null
            : throw new UserInputException($"proposal {id} is {standing.Status} without this approval: {GovernanceView.StandingText(standing)}");
    }

    /// <summary>proposal: where it stands once committed (only with --wait).</summary>
    private sealed record SubmittedJson(string ProposalId, string TxId, GovernanceView.ProposalJson? Proposal);
}
