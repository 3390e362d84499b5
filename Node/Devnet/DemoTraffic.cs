using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Devnet;

/// <summary>
/// What `devnet --demo` does so there is something to look at: an election, a few hundred generated voters, and
/// their votes cast a few a second so that `votechain tally --watch` moves.
/// </summary>
internal sealed class DemoTraffic
{
    public const int Voters = 300;
    private static readonly string[] Options = ["alpha", "beta", "gamma"];

    private readonly DevnetLayout _layout;
    private readonly TextWriter _output;

    public DemoTraffic(DevnetLayout layout, TextWriter output)
    {
        _layout = layout;
        _output = output;
    }

    public async Task RunAsync(VoteChainApi.VoteChainApiClient api, CancellationToken cancellation)
    {
        using var authority = KeyFile.Load(_layout.AuthorityKeyPath);
        var electionId = $"demo-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        var now = DateTimeOffset.UtcNow;
        var create = new CreateElection
        {
            ElectionId = electionId,
            Title = "Demo election",
            OpensAtUnixMs = now.ToUnixTimeMilliseconds(),
            ClosesAtUnixMs = now.AddHours(1).ToUnixTimeMilliseconds(),
            AllowRevote = true,
            Options = { Options },
        };
        await SubmitAsync(api, authority, new TxPayload { CreateElection = create }, cancellation).ConfigureAwait(false);
        await WaitAsync(api, electionId, t => t is not null, cancellation).ConfigureAwait(false);

        var voters = Enumerable.Range(0, Voters).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            var register = new RegisterVoters { ElectionId = electionId };
            register.Voters.AddRange(voters.Select(v => new VoterEntry { Credential = ByteString.CopyFrom(v.PublicKey), Weight = 1 }));
            await SubmitAsync(api, authority, new TxPayload { RegisterVoters = register }, cancellation).ConfigureAwait(false);
            await WaitAsync(api, electionId, t => t?.Tally.RegisteredCredentials == Voters, cancellation).ConfigureAwait(false);
            _output.WriteLine($"demo: election '{electionId}' with {Voters} voters; watch it with: votechain tally --election {electionId} --watch{(_layout.Tls ? $" --node {_layout.Url(0)} --tls-ca {_layout.TlsCaPath}" : "")}");
            _output.WriteLine($"demo: or on the results page: {_layout.WebUrl(0)}/");

            for (var i = 0; i < voters.Count && !cancellation.IsCancellationRequested; i++)
            {
                // A skewed choice so the result is not a three-way tie.
                var option = (uint)(i % 7 < 3 ? 0 : i % 7 < 5 ? 1 : 2);
                await SubmitAsync(api, voters[i], new TxPayload
                {
                    CastVote = new CastVote { ElectionId = electionId, Option = option, Sequence = 1 },
                }, cancellation).ConfigureAwait(false);
                if ((i + 1) % 50 == 0)
                {
                    _output.WriteLine($"demo: {i + 1}/{Voters} votes cast");
                }

                await Task.Delay(100, cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            voters.ForEach(v => v.Dispose());
        }
    }

    private static async Task SubmitAsync(VoteChainApi.VoteChainApiClient api, ISigner signer, TxPayload payload, CancellationToken cancellation)
    {
        payload.ChainId = DevnetLayout.ChainId;
        var envelope = TxSigning.Sign(signer, payload);
        await api.SubmitTransactionAsync(new SubmitTransactionRequest { Envelope = ByteString.CopyFrom(envelope) }, cancellationToken: cancellation)
            .ConfigureAwait(false);
    }

    private static async Task WaitAsync(VoteChainApi.VoteChainApiClient api, string electionId, Func<TallyResponse?, bool> done,
        CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            TallyResponse? tally;
            try
            {
                tally = await api.GetTallyAsync(new GetTallyRequest { ElectionId = electionId }, cancellationToken: cancellation).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                tally = null;
            }

            if (done(tally))
            {
                return;
            }

            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }

        throw new TimeoutException($"the demo election '{electionId}' did not commit within 60 s");
    }
}
