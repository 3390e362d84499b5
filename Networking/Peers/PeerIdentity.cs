namespace VoteChain.Networking.Peers;

/// <summary>Who is on the other end of a gossip stream, as proven by its signed Hello.</summary>
public sealed record PeerIdentity(byte[] PublicKey, string Name, string Endpoint, int? ValidatorIndex)
{
    public bool IsValidator => ValidatorIndex is not null;

    public override string ToString() => $"{Name} ({Endpoint})";
}
