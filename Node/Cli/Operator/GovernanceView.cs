using System.Globalization;
using VoteChain.Consensus.Pbft;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// How the governance commands and <c>status</c> show a change and a proposal's standing: one sentence for people,
/// stable JSON for scripts. Everything is the node's answer (GetGovernance); nothing here judges a proposal.
/// </summary>
internal sealed class GovernanceView
{
    private readonly Dictionary<string, string> _names = [];

    /// <summary>Names for keys, from the sets the answer holds (in force, pending) and the validators its proposals add.</summary>
    public GovernanceView(GovernanceResponse governance)
    {
        ArgumentNullException.ThrowIfNull(governance);
        var known = governance.Validators
            .Concat(governance.Pending?.Validators ?? [])
            .Concat(governance.Proposals.Select(p => p.Record.Proposal.AddValidator).OfType<ValidatorInfo>());
        foreach (var validator in known)
        {
            _names.TryAdd(HexInput.Format(validator.PublicKey.Span), validator.Name);
        }
    }

    /// <summary>A validator's name where the answer gives one, else the start of its key.</summary>
    public string Who(Google.Protobuf.ByteString key) =>
        _names.TryGetValue(HexInput.Format(key.Span), out var name) ? name : Short(key);

    public static string Short(Google.Protobuf.ByteString key) => HexInput.Format(key.Span[..Math.Min(8, key.Length)]) + "...";

    /// <summary>What the change does, in one line.</summary>
    public string Summary(GovernanceProposal proposal, EvidenceRecord? evidence = null) => proposal.ChangeCase switch
    {
        GovernanceProposal.ChangeOneofCase.AddValidator => $"add validator {proposal.AddValidator.Name} ({Short(proposal.AddValidator.PublicKey)}, {proposal.AddValidator.Endpoint})",
        GovernanceProposal.ChangeOneofCase.RemoveValidators =>
            $"remove validator{(proposal.RemoveValidators.PublicKeys.Count > 1 ? "s" : "")} {string.Join(", ", proposal.RemoveValidators.PublicKeys.Select(Who))}" +
            (evidence is null ? "" : $" (evidence: {EvidenceRecords.Name(evidence.Kind)} double sign at height {evidence.Height})"),
        GovernanceProposal.ChangeOneofCase.RotateValidator => $"rotate {Who(proposal.RotateValidator.OldKey)}'s key to {Short(proposal.RotateValidator.NewKey)}",
        GovernanceProposal.ChangeOneofCase.AddAuthority => $"add authority {Short(proposal.AddAuthority)}",
        GovernanceProposal.ChangeOneofCase.RemoveAuthority => $"remove authority {Short(proposal.RemoveAuthority)}",
        GovernanceProposal.ChangeOneofCase.ConsensusParams => "params: " + ParamsText(proposal.ConsensusParams),
        _ => "no change",
    };

    public static string ParamsText(ConsensusParams p) => string.Create(CultureInfo.InvariantCulture,
        $"propose timeout {p.ProposeTimeoutMs} ms, block interval {p.BlockIntervalMs} ms, clock drift {p.MaxClockDriftMs} ms, " +
        $"{p.MaxBlockTxs} txs and {p.MaxBlockBytes} bytes a block");

    /// <summary>"approved at height 12, in force from height 15", "open: 2 of 3 approvals counted, until height 10005", ...</summary>
    public static string StandingText(ProposalStanding s) => s.Status switch
    {
        "open" => $"open: {s.CountedApprovals} of {s.NeededApprovals} approvals counted; approvals are taken until height {s.ExpiresAtHeight}",
        "expired" => $"expired at height {s.ExpiresAtHeight} with {s.CountedApprovals} of {s.NeededApprovals} approvals",
        "approved" => $"approved at height {s.Record.ApprovedHeight}; takes effect at height {s.Record.ActivationHeight}",
        "in force" => $"approved at height {s.Record.ApprovedHeight}; in force from height {s.Record.ActivationHeight}",
        _ => s.Status,
    };

    public ProposalJson ToJson(ProposalStanding s)
    {
        var r = s.Record;
        return new ProposalJson(HexInput.Format(s.Id.Span), s.Status, ChangeJson(r.Proposal, s.Evidence), r.Proposal.Reason,
            HexInput.Format(r.Proposer.Span), Who(r.Proposer), r.ProposedHeight, [.. r.Approvals.Select(a => HexInput.Format(a.Span))],
            s.CountedApprovals, s.NeededApprovals, r.ApprovedHeight == 0 ? null : r.ApprovedHeight,
            r.ActivationHeight == 0 ? null : r.ActivationHeight, s.ExpiresAtHeight);
    }

    public static ValidatorJson ToJson(ValidatorInfo v) =>
        new(v.Name, HexInput.Format(v.PublicKey.Span), v.Endpoint, v.TrusteeKey.IsEmpty ? null : HexInput.Format(v.TrusteeKey.Span));

    private ChangeJsonView ChangeJson(GovernanceProposal p, EvidenceRecord? evidence) => new(
        p.ChangeCase switch
        {
            GovernanceProposal.ChangeOneofCase.AddValidator => "add_validator",
            GovernanceProposal.ChangeOneofCase.RemoveValidators => "remove_validators",
            GovernanceProposal.ChangeOneofCase.RotateValidator => "rotate_validator",
            GovernanceProposal.ChangeOneofCase.AddAuthority => "add_authority",
            GovernanceProposal.ChangeOneofCase.RemoveAuthority => "remove_authority",
            GovernanceProposal.ChangeOneofCase.ConsensusParams => "consensus_params",
            _ => "none",
        },
        Summary(p, evidence),
        p.AddValidator is { } added ? ToJson(added) : null,
        [.. (p.ChangeCase switch
        {
            GovernanceProposal.ChangeOneofCase.RemoveValidators => p.RemoveValidators.PublicKeys,
            GovernanceProposal.ChangeOneofCase.RotateValidator => [p.RotateValidator.OldKey],
            GovernanceProposal.ChangeOneofCase.AddAuthority => [p.AddAuthority],
            GovernanceProposal.ChangeOneofCase.RemoveAuthority => [p.RemoveAuthority],
            _ => (IEnumerable<Google.Protobuf.ByteString>)[],
        }).Select(k => HexInput.Format(k.Span))],
        p.RotateValidator is { } rotate ? HexInput.Format(rotate.NewKey.Span) : null,
        p.ConsensusParams is { } c ? new ParamsJson(c.ProposeTimeoutMs, c.BlockIntervalMs, c.MaxClockDriftMs, c.MaxBlockTxs, c.MaxBlockBytes) : null,
        evidence is null ? null : new EvidenceJson(HexInput.Format(evidence.Id.Span), HexInput.Format(evidence.ValidatorPublicKey.Span),
            evidence.Height, evidence.View, EvidenceRecords.Name(evidence.Kind)));

    /// <summary>One proposal: approved_height and activation_height are null while it is open (or expired).</summary>
    internal sealed record ProposalJson(string Id, string Status, ChangeJsonView Change, string Reason, string Proposer, string ProposerName,
        ulong ProposedHeight, IReadOnlyList<string> Approvals, uint CountedApprovals, uint NeededApprovals, ulong? ApprovedHeight,
        ulong? ActivationHeight, ulong ExpiresAtHeight);

    /// <summary>
    /// The change: kind, a sentence, and its own fields (validator for an addition; public_keys removed, rotated out, or
    /// the authority's; new_key of a rotation; params; the evidence backing a removal).
    /// </summary>
    internal sealed record ChangeJsonView(string Kind, string Summary, ValidatorJson? Validator, IReadOnlyList<string> PublicKeys,
        string? NewKey, ParamsJson? Params, EvidenceJson? Evidence);

    internal sealed record ValidatorJson(string Name, string PublicKey, string Endpoint, string? TrusteeKey);

    internal sealed record ParamsJson(uint ProposeTimeoutMs, uint BlockIntervalMs, uint MaxClockDriftMs, uint MaxBlockTxs, uint MaxBlockBytes);

    internal sealed record EvidenceJson(string Id, string ValidatorPublicKey, ulong Height, ulong View, string Kind);
}
