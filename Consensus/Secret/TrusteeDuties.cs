using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Secret;

/// <summary>One transaction a trustee should sign with its trustee key and submit.</summary>
/// <param name="Step">"deal", "ack", "reveal", "decryption-shares" or "result": for logs and for not resubmitting.</param>
public sealed record TrusteeDuty(string ElectionId, string Step, TxPayload Payload);

/// <summary>
/// What a trustee should post for one secret election, derived from the committed state alone, so a trustee that
/// restarts (or runs elsewhere, through the API) picks up where the chain stands. TODO(issue 10): being built.
/// </summary>
public static class TrusteeDuties
{
    public static IReadOnlyList<TrusteeDuty> Due(TrusteeKey trustee, string chainId, ElectionRecord election,
        SecretRecord? secret, TallyRecord tally, long nowUnixMs) =>
        throw new NotImplementedException("Trustee duties are being built.");
}
