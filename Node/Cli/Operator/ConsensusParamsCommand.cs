using System.CommandLine;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain governance propose params</c>: a proposal carries every parameter, so the ones not given keep the value
/// that will be in force when it applies: the pending change's if one of parameters waits for its activation, else the
/// node's values in force. The bounds are the node's rule (docs/GOVERNANCE.md).
/// </summary>
internal static class ConsensusParamsCommand
{
    public static Command Build(CommandRunner runner)
    {
        var timeout = Option("--propose-timeout-ms", "Base view-change timeout (200 to 60000).");
        var interval = Option("--block-interval-ms", "At most one empty block per interval; 0: no empty blocks (else 100 to 60000).");
        var drift = Option("--max-clock-drift-ms", "How far a proposal's time may be from a replica's clock (100 to 60000).");
        var txs = Option("--max-block-txs", "Transactions a block may hold (1 to the genesis value).");
        var bytes = Option("--max-block-bytes", "Bytes a block may hold (64 KiB to the genesis value).");
        Option<uint?>[] all = [timeout, interval, drift, txs, bytes];
        var command = GovernanceProposeCommand.Change(runner, "params",
            "Change consensus parameters; those not given keep their value in force.", all, (parseResult, session) =>
            {
                var governance = session.Governance(limit: 1);
                var basis = (governance.Pending?.Proposal?.Record.Proposal.ConsensusParams ?? governance.Params).Clone();
                basis.ProposeTimeoutMs = parseResult.GetValue(timeout) ?? basis.ProposeTimeoutMs;
                basis.BlockIntervalMs = parseResult.GetValue(interval) ?? basis.BlockIntervalMs;
                basis.MaxClockDriftMs = parseResult.GetValue(drift) ?? basis.MaxClockDriftMs;
                basis.MaxBlockTxs = parseResult.GetValue(txs) ?? basis.MaxBlockTxs;
                basis.MaxBlockBytes = parseResult.GetValue(bytes) ?? basis.MaxBlockBytes;
                return new GovernanceProposal { ConsensusParams = basis };
            });
        command.Validators.Add(result =>
        {
            if (all.All(o => result.GetValue(o) is null))
            {
                result.AddError("name at least one parameter to change (--propose-timeout-ms, --block-interval-ms, --max-clock-drift-ms, " +
                    "--max-block-txs, --max-block-bytes)");
            }
        });
        return command;
    }

    private static Option<uint?> Option(string name, string description) => new(name) { Description = description };
}
