using VoteChain.Consensus.Audit;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// One validator set the audit's replay followed (its --json fields): the first height it certifies and its keys in
/// index order. Genesis's comes first, then one per governance change an audited block approved.
/// </summary>
internal sealed record ValidatorSetAudit(ulong FromHeight, int Validators, IReadOnlyList<string> PublicKeys)
{
    public static IReadOnlyList<ValidatorSetAudit> Of(ChainAuditor auditor) =>
        [.. auditor.ValidatorSets.Select(s => new ValidatorSetAudit(s.From, s.Set.Count,
            [.. Enumerable.Range(0, s.Set.Count).Select(i => Convert.ToHexStringLower(s.Set.PublicKey(i)))]))];
}
