using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// The state transition for one verified transaction. Every rule checks fully before it writes, so a rejected
/// transaction leaves the overlay as it was; the mempool and block execution both rely on that.
/// </summary>
public static class TxRules
{
    public static Rejection? Apply(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        if (state.HasTransaction(tx.Id))
        {
            return new Rejection(RejectCode.DuplicateTransaction, "This transaction has already been included.");
        }

        var rejection = tx.Payload.KindCase switch
        {
            TxPayload.KindOneofCase.CreateElection => ElectionRules.Apply(state, chain, block, tx),
            TxPayload.KindOneofCase.RegisterVoters => RegistrationRules.Register(state, chain, block, tx),
            TxPayload.KindOneofCase.RevokeCredential => RegistrationRules.Revoke(state, chain, block, tx),
            TxPayload.KindOneofCase.CastVote => VoteRules.Cast(state, block, tx),
            TxPayload.KindOneofCase.CastEncryptedVote => SecretVoteRules.Cast(state, chain, block, tx),
            TxPayload.KindOneofCase.KeyDeal => KeyGenerationRules.Deal(state, chain, block, tx),
            TxPayload.KindOneofCase.KeyAck => KeyGenerationRules.Ack(state, chain, block, tx),
            TxPayload.KindOneofCase.KeyReveal => KeyGenerationRules.Reveal(state, chain, block, tx),
            TxPayload.KindOneofCase.DecryptionShares => DecryptionRules.Shares(state, chain, block, tx),
            TxPayload.KindOneofCase.PublishResult => DecryptionRules.Result(state, chain, block, tx),
            TxPayload.KindOneofCase.CloseTally => DecryptionRules.Close(state, block, tx),
            TxPayload.KindOneofCase.CredentialServed => AnonymousRules.Served(state, chain, block, tx),
            TxPayload.KindOneofCase.RegisterAnonymous => AnonymousRules.Register(state, chain, block, tx),
            TxPayload.KindOneofCase.Delegation => DelegationRules.Delegate(state, block, tx),
            TxPayload.KindOneofCase.GovernanceProposal => Governance.GovernanceRules.Propose(state, chain, block, tx),
            TxPayload.KindOneofCase.GovernanceApproval => Governance.GovernanceRules.Approve(state, chain, block, tx),
            _ => new Rejection(RejectCode.Malformed, "The transaction payload is not a known transaction kind."),
        };
        if (rejection is null)
        {
            state.AddTransaction(tx.Id);
        }

        return rejection;
    }
}
