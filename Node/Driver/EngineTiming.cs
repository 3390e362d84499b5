using VoteChain.Protos.V1;

namespace VoteChain.Node.Driver;

/// <summary>The engine's timeouts in ticks, from the consensus parameters in force and the node's tick.</summary>
internal readonly record struct EngineTiming(int ViewTimeoutTicks, int BlockIntervalTicks)
{
    public static EngineTiming From(ConsensusParams parameters, int tickMs)
    {
        var tick = Math.Max(1, tickMs);
        return new EngineTiming(Math.Max(4, (int)(parameters.ProposeTimeoutMs / tick)), (int)(parameters.BlockIntervalMs / tick));
    }
}
