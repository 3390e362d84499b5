using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;

namespace VoteChain.Integration.Tests;

/// <summary>Signed transactions for tests, as envelope bytes.</summary>
internal static class Payloads
{
    public static byte[] CreateElection(ISigner authority, string id, int options = 3, bool allowRevote = false)
    {
        var create = new CreateElection
        {
            ElectionId = id,
            Title = $"Election {id}",
            OpensAtUnixMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
            AllowRevote = allowRevote,
        };
        create.Options.AddRange(Enumerable.Range(0, options).Select(i => $"option {i}"));
        return TestNetwork.Sign(authority, new TxPayload { CreateElection = create });
    }

    public static byte[] Register(ISigner authority, string id, IEnumerable<byte[]> credentials)
    {
        var register = new RegisterVoters { ElectionId = id };
        register.Voters.AddRange(credentials.Select(c => new VoterEntry { Credential = ByteString.CopyFrom(c), Weight = 1 }));
        return TestNetwork.Sign(authority, new TxPayload { RegisterVoters = register });
    }

    public static byte[] Vote(ISigner voter, string id, uint option, ulong sequence = 1) =>
        TestNetwork.Sign(voter, new TxPayload { CastVote = new CastVote { ElectionId = id, Option = option, Sequence = sequence } });
}
