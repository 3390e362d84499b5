namespace VoteChain.Networking.Limits;

/// <summary>
/// Found in a guarded gRPC request's features: a service that has proven who is calling (the gossip handshake proved a
/// validator's key) lifts the bound on the call's later messages to the method's <see cref="MethodBound.ProvenMessageBytes"/>.
/// Until then, and for everyone else, the smaller <see cref="MethodBound.MessageBytes"/> holds.
/// </summary>
public interface IProvenCallerFeature
{
    void CallerProven();
}
