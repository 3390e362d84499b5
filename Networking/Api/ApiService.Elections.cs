using Grpc.Core;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>Elections, tallies and voters: reads of the replicated state.</summary>
public sealed partial class ApiService
{
    public override Task<ElectionRecord> GetElection(GetElectionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(RequireElection(request.ElectionId));
    }

    public override Task<ListElectionsResponse> ListElections(ListElectionsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListElectionsResponse { Elections = { _store.Elections() } });

    public override Task<TallyResponse> GetTally(GetTallyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var election = RequireElection(request.ElectionId);
        return Task.FromResult(request.Prove ? ProvenTallyOf(election) : TallyOf(election));
    }

    /// <summary>The current tally, then a new one after each block that changed it, until the client leaves.</summary>
    public override Task StreamTally(GetTallyRequest request, IServerStreamWriter<TallyResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Prove)
        {
            throw ApiErrors.InvalidArgument("A tally stream is not proven: ask GetTally with prove for the tally to prove.");
        }

        var election = RequireElection(request.ElectionId);
        TallyRecord? sent = null;
        return FollowCommitsAsync(context, async cancellation =>
        {
            var current = TallyOf(election);
            if (!current.Tally.Equals(sent))
            {
                await responseStream.WriteAsync(current, cancellation).ConfigureAwait(false);
                sent = current.Tally;
            }

            return current.Height;
        });
    }

    /// <summary>
    /// What the page streams share: send what is current, wait for a block beyond the height it was read at, again,
    /// until the client leaves, the server stops or <see cref="StreamLifetime"/> ends (a follower reconnects: no stream
    /// holds a connection, and a place in its address's budget, forever).
    /// </summary>
    private async Task FollowCommitsAsync(ServerCallContext context, Func<CancellationToken, Task<ulong>> sendCurrent)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        lifetime.CancelAfter(StreamLifetime);
        var cancellation = lifetime.Token;
        try
        {
            while (true)
            {
                var height = await sendCurrent(cancellation).ConfigureAwait(false);
                if (await _events.WaitBeyondAsync(height, cancellation).ConfigureAwait(false) is null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away, the lifetime ended or the server is stopping: the stream simply ends.
        }
    }

    /// <summary>How long one StreamTally or StreamStatus call lasts before the node ends it (the client opens a new one).</summary>
    public TimeSpan StreamLifetime { get; init; } = TimeSpan.FromMinutes(10);

    public override Task<GetVoterResponse> GetVoter(GetVoterRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var election = RequireElection(request.ElectionId);
        var credential = request.Credential.IsEmpty && request.CredentialHex.Length > 0
            ? RequestChecks.HexPublicKey(request.CredentialHex, "credential_hex")
            : RequestChecks.PublicKey(request.Credential, "credential");
        var id = election.Definition.ElectionId;
        var record = _store.GetCredential(id, credential);
        var ballot = _store.GetBallot(id, credential);
        return Task.FromResult(new GetVoterResponse
        {
            Credential = record,
            Ballot = ballot,
            Delegation = record is null ? null : Consensus.Rules.DelegationStandings.Of(_store, id, credential, record, ballot),
        });
    }

    public override Task<IssuanceResponse> GetIssuance(GetIssuanceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var election = RequireElection(request.ElectionId);
        if (election.Anonymous is null)
        {
            throw ApiErrors.FailedPrecondition(
                $"Election '{election.Definition.ElectionId}' is not anonymous: it has no issuers and no poll book.");
        }

        var weight = Consensus.Rules.VoterWeight.Effective(request.Weight);
        while (true)
        {
            var before = _store.Height;
            var issuance = _store.GetIssuance(election.Definition.ElectionId, weight);
            if (_store.Height == before)
            {
                return Task.FromResult(new IssuanceResponse { Height = before, Issuance = issuance });
            }
        }
    }

    private ElectionRecord RequireElection(string electionId)
    {
        var id = RequestChecks.ElectionId(electionId);
        return _store.GetElection(id)
            ?? throw ApiErrors.NotFound($"There is no election with id '{RequestChecks.Printable(id)}'.");
    }

    /// <summary>
    /// The tally with the height it is current at: the height is read on both sides of the tally, and the read
    /// repeats when a block committed in between. The store writes a block's records just before it moves its head,
    /// so in that instant a tally can still show up under the previous height; storage snapshots would close it.
    /// </summary>
    private TallyResponse TallyOf(ElectionRecord election)
    {
        var id = election.Definition.ElectionId;
        while (true)
        {
            var before = _store.Height;
            // An election's tally is written with it; a zero tally stands in should a record ever lack one.
            var tally = _store.GetTally(id) ?? new TallyRecord { OptionWeights = { new ulong[election.Definition.Options.Count] } };
            if (_store.Height == before)
            {
                return new TallyResponse { ElectionId = id, Height = before, Tally = tally, Options = { election.Definition.Options } };
            }
        }
    }
}
