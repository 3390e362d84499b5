using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using VoteChain.Consensus.Governance;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.State;
using VoteChain.Networking.Peers;
using VoteChain.Node.Hosting;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>
/// The node's side of governance (docs/GOVERNANCE.md): when a committed block approves a change of validators, the
/// node's schedule takes it (sync's pre-checks, gossip's notion of who is a validator and the evidence recorder read
/// it), the new validators' endpoints are dialed and must prove their keys, a rotated node goes by its new key in
/// handshakes, and the node says in its log when it starts or stops signing and why.
/// </summary>
internal sealed partial class NodeMembership
{
    private readonly ChainContext _chain;
    private readonly IStateReader _state;
    private readonly PeerNetwork _peers;
    private readonly ConcurrentDictionary<string, byte[]> _validatorEndpoints;
    private readonly NodeIdentity _identity;
    private readonly ILogger _logger;

    /// <param name="validatorEndpoints">The keys dialed endpoints must prove (the dialing's own map, updated here).</param>
    public NodeMembership(ChainContext chain, IStateReader state, ValidatorSchedule schedule, PeerNetwork peers,
        ConcurrentDictionary<string, byte[]> validatorEndpoints, NodeIdentity identity, ILogger<NodeMembership> logger)
    {
        _chain = chain;
        _state = state;
        Schedule = schedule;
        _peers = peers;
        _validatorEndpoints = validatorEndpoints;
        _identity = identity;
        _logger = logger;
    }

    /// <summary>The node's tick, to turn a change of parameters into the engine's timeouts.</summary>
    public int TickMs { get; init; } = 100;

    /// <summary>
    /// The engine's timing for the height after <paramref name="committed"/> when a change of parameters takes effect
    /// there; null when the parameters stay as they were.
    /// </summary>
    public EngineTiming? TimingAfter(ulong committed)
    {
        var next = GovernanceState.ParamsAt(_state, _chain.Rules, committed + 1);
        if (next.Equals(GovernanceState.ParamsAt(_state, _chain.Rules, committed)))
        {
            return null;
        }

        LogParams(committed + 1, next.ProposeTimeoutMs, next.BlockIntervalMs, next.MaxBlockTxs, next.MaxBlockBytes);
        return EngineTiming.From(next, TickMs);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Consensus parameters change at height {Height}: propose timeout {Timeout} ms, block interval {Interval} ms, at most {Txs} transactions and {Bytes} bytes a block")]
    private partial void LogParams(ulong height, uint timeout, uint interval, uint txs, uint bytes);

    /// <summary>The node's validator sets as far as it has committed; read from any thread.</summary>
    public ValidatorSchedule Schedule { get; }

    /// <summary>After a block is committed (on the consensus thread): takes the change of validators it approved, if any.</summary>
    public void OnCommitted(BlockHeader header)
    {
        if (header.ValidatorChange is not { } change)
        {
            return;
        }

        Schedule.Add(change);
        var validators = GovernanceState.ValidatorsAt(_state, _chain.Rules, change.ActivationHeight);
        var own = _identity.Keys.Select(k => k.PublicKey).ToList();
        var dialed = 0;
        foreach (var validator in validators)
        {
            var key = validator.PublicKey.ToByteArray();
            if (own.Any(k => k.AsSpan().SequenceEqual(key)))
            {
                continue;
            }

            // A rotated validator keeps its endpoint and proves its new key there from now on.
            _validatorEndpoints[validator.Endpoint] = key;
            if (_peers.Add(validator.Endpoint))
            {
                dialed++;
            }
        }

        LogChange(header.Height, validators.Count, change.ActivationHeight, dialed);
        if (_identity.GoBy(Schedule.At(change.ActivationHeight)))
        {
            LogRotated(Convert.ToHexStringLower(_identity.PublicKey.AsSpan(0, 8)));
            _peers.Reconnect();
        }
    }

    /// <summary>The engine now signs as <paramref name="index"/> (null: not at all) from <paramref name="height"/>.</summary>
    public void OnSigningChanged(uint? was, uint? index, ulong height)
    {
        if (index is { } now)
        {
            LogSigning(height, now);
        }
        else if (was is not null)
        {
            var retired = _identity.Keys.Any(k => GovernanceState.IsRetired(_state, k.PublicKey));
            LogStopped(height, retired ? "governance removed it (or rotated it out with no next key here)" : "it is not in the set in force");
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Block {Height} approved a change of validators: {Count} validators from height {Activation} ({Dialed} new to dial)")]
    private partial void LogChange(ulong height, int count, ulong activation, int dialed);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node now goes by its next key {Key}... in handshakes (its rotation was approved)")]
    private partial void LogRotated(string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node signs as validator {Index} from height {Height}")]
    private partial void LogSigning(ulong height, uint index);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "This node's key left the validator set at height {Height}: {Why}; it stops signing and follows the chain as an observer")]
    private partial void LogStopped(ulong height, string why);
}
