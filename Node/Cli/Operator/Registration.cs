using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>A RegisterVoters transaction the node refused, with the CSV lines it held.</summary>
internal sealed record RefusedBatch(int FirstLine, int LastLine, int Voters, string Reason);

/// <summary>
/// Signs voters into RegisterVoters transactions and submits them in bulk; a refused transaction is recorded
/// with its line range and the rest go on. With waiting, follows the tally's registered count until it shows them.
/// </summary>
internal sealed class Registration(NodeSession session, ISigner authority, string electionId, int batchSize)
{
    /// <summary>Bytes of envelopes per SubmitBatch request: well under the API's 4 MiB request limit.</summary>
    private const int RequestBytes = 2 * 1024 * 1024;

    public static readonly IReadOnlyList<string> Stages = ["submitted", "committed"];

    public long Registered { get; private set; }

    public long RefusedVoters { get; private set; }

    public bool Committed { get; private set; }

    public List<RefusedBatch> RefusedBatches { get; } = [];

    public List<byte[]> TxIds { get; } = [];

    public void Run(IReadOnlyList<VoterLine> voters, bool wait, Action<int, long> report)
    {
        // Asking for the tally first also turns an unknown election into one clear error before anything is signed.
        var before = session.Tally(electionId).Tally.RegisteredCredentials;
        var batches = voters.Chunk(batchSize).ToList();
        var envelopes = batches.Select(Sign).ToList();
        var submitted = 0L;
        foreach (var request in Requests(envelopes))
        {
            var response = session.Client.Call(api => api.SubmitBatchAsync(
                new SubmitBatchRequest { Envelopes = { request.Select(i => envelopes[i]) } }, deadline: NodeClient.Deadline()), "registration");
            foreach (var (index, result) in request.Zip(response.Results))
            {
                Record(batches[index], result);
                submitted += batches[index].Length;
            }

            report(0, submitted);
        }

        if (wait && Registered > 0)
        {
            var target = before + (ulong)Registered;
            Polling.Until(() =>
            {
                var now = session.Tally(electionId).Tally.RegisteredCredentials;
                report(1, (long)Math.Min((ulong)Registered, now - Math.Min(now, before)));
                return now >= target ? new object() : null;
            }, $"{Registered} registrations to commit");
            Committed = true;
        }
    }

    private ByteString Sign(VoterLine[] batch)
    {
        var register = new RegisterVoters { ElectionId = electionId };
        register.Voters.AddRange(batch.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.Credential), Weight = v.Weight }));
        return ByteString.CopyFrom(session.Sign(authority, new TxPayload { RegisterVoters = register }));
    }

    private void Record(VoterLine[] batch, SubmitResult result)
    {
        if (result.CodeName.Length == 0)
        {
            Registered += batch.Length;
            TxIds.Add(result.TxId.ToByteArray());
            return;
        }

        RefusedVoters += batch.Length;
        RefusedBatches.Add(new RefusedBatch(batch[0].Line, batch[^1].Line, batch.Length, $"{result.CodeName}: {result.Message}"));
    }

    /// <summary>Groups envelope indexes into SubmitBatch requests under the byte bound (at least one each).</summary>
    private static IEnumerable<List<int>> Requests(IReadOnlyList<ByteString> envelopes)
    {
        var current = new List<int>();
        var bytes = 0;
        for (var i = 0; i < envelopes.Count; i++)
        {
            if (current.Count > 0 && bytes + envelopes[i].Length > RequestBytes)
            {
                yield return current;
                current = [];
                bytes = 0;
            }

            current.Add(i);
            bytes += envelopes[i].Length;
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }
}
