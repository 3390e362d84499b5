using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Audit;

/// <summary>
/// One election after a replay: its options, the incrementally kept tally and a recount from the ballots; for a secret
/// election with a result, <see cref="ResultProblem"/> says why the result did not check out from the stored shares; for an
/// anonymous election, <see cref="IssuanceProblem"/> why its poll book and credentials do not agree; where proxies hold
/// weight, <see cref="DelegationProblem"/> why a proxy's kept sum differs from its holders' appointments.
/// </summary>
public sealed record ElectionRecount(string ElectionId, IReadOnlyList<string> Options, TallyRecord Replayed, TallyRecord Recounted,
    string? ResultProblem = null, string? IssuanceProblem = null, string? DelegationProblem = null)
{
    public bool Agrees => Replayed.Equals(Recounted);

    /// <summary>
    /// Every election in the replayed state, each recounted by <see cref="TallyRecount"/> from its credentials and
    /// ballots; a secret election's encrypted sums from its ballots' ciphertexts and its result, if any, from the
    /// stored decryption shares (which is why the chain id is needed: the shares' proofs are bound to it).
    /// </summary>
    public static IReadOnlyList<ElectionRecount> All(MemoryState state, string chainId)
    {
        ArgumentNullException.ThrowIfNull(state);
        var credentials = CredentialsByElection(state);
        var recounts = new List<ElectionRecount>();
        foreach (var (_, bytes) in state.Entries(StateColumn.Elections))
        {
            var election = ElectionRecord.Parser.ParseFrom(bytes);
            var definition = election.Definition;
            var id = definition.ElectionId;
            var voters = credentials.GetValueOrDefault(id, [])
                .Select(c => new RecountVoter(c.Key, c.Record, state.GetBallot(id, c.Key))).ToList();
            var kept = state.GetTally(id) ?? new TallyRecord();
            Rejection? resultProblem = null;
            var recounted = election.Secret is null
                ? TallyRecount.Recount(definition.Options.Count, voters)
                : TallyRecount.RecountSecret(chainId, election, state.GetSecret(id), kept, voters, out resultProblem);
            var issuanceProblem = election.Anonymous is null
                ? null
                : IssuanceRecount.Check(ByElection(state, StateColumn.Issuance, id).Select(e => IssuanceRecord.Parser.ParseFrom(e.Value)),
                    credentials.GetValueOrDefault(id, []).Select(c => c.Record));
            recounts.Add(new ElectionRecount(id, [.. definition.Options], kept, recounted, resultProblem?.ToString(), issuanceProblem,
                DelegationRecount.Check(voters)));
        }

        return [.. recounts.OrderBy(r => r.ElectionId, StringComparer.Ordinal)];
    }

    /// <summary>One election's credentials with their ballots, as a recount reads them.</summary>
    public static IReadOnlyList<RecountVoter> Voters(MemoryState state, string electionId)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. ByElection(state, StateColumn.Credentials, electionId).Select(e =>
        {
            var key = e.Key[(System.Text.Encoding.UTF8.GetByteCount(electionId) + 1)..];
            return new RecountVoter(key, CredentialRecord.Parser.ParseFrom(e.Value), state.GetBallot(electionId, key));
        })];
    }

    /// <summary>One election's records in a column keyed by election id, NUL, and more.</summary>
    private static IEnumerable<KeyValuePair<byte[], byte[]>> ByElection(MemoryState state, StateColumn column, string electionId)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes(electionId + "\0");
        return state.Entries(column).Where(e => e.Key.AsSpan().StartsWith(prefix));
    }

    /// <summary>
    /// Groups credential records by election in one pass; a key is election id, NUL, public key (see
    /// <see cref="StateKeys.Credential"/>), and election ids never hold a NUL.
    /// </summary>
    private static Dictionary<string, List<(byte[] Key, CredentialRecord Record)>> CredentialsByElection(MemoryState state)
    {
        var byElection = new Dictionary<string, List<(byte[] Key, CredentialRecord Record)>>(StringComparer.Ordinal);
        foreach (var (key, bytes) in state.Entries(StateColumn.Credentials))
        {
            var separator = Array.IndexOf(key, (byte)0);
            var id = System.Text.Encoding.UTF8.GetString(key, 0, separator);
            if (!byElection.TryGetValue(id, out var list))
            {
                byElection[id] = list = [];
            }

            list.Add((key[(separator + 1)..], CredentialRecord.Parser.ParseFrom(bytes)));
        }

        return byElection;
    }
}
