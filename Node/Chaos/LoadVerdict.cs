namespace VoteChain.Node.Chaos;

/// <summary>What the end of a long load showed (<see cref="LoadSession.FinishAsync"/>): the chain the nodes agree on, judged against what was acknowledged.</summary>
internal sealed record LoadVerdict(int Acked, int Lost, int Forks, int DoubleSigns, bool AuditOk)
{
    /// <summary>Why the run failed, or null: any loss, fork or double sign, a failed audit, or no vote acknowledged at all.</summary>
    public string? Failure =>
        Lost > 0 ? $"{Lost} acknowledged votes are not in the chain"
        : Forks > 0 ? $"the nodes disagree on {Forks} heights (or never reached one height)"
        : DoubleSigns > 0 ? $"{DoubleSigns} double signs were recorded"
        : !AuditOk ? "the audit failed"
        : Acked == 0 ? "no vote was acknowledged: the load never got through"
        : null;
}
