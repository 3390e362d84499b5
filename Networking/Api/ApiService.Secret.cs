using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Secret;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Api;

/// <summary>A secret election's key generation and decryption, read at one committed height.</summary>
public sealed partial class ApiService
{
    /// <summary>The node's clock for <see cref="GetSecretElection"/>'s phase; settable so tests can move it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public override Task<SecretElectionResponse> GetSecretElection(GetElectionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = RequestChecks.ElectionId(request.ElectionId);
        while (true)
        {
            var before = _store.Height;
            var election = _store.GetElection(id)
                ?? throw ApiErrors.NotFound($"There is no election with id '{RequestChecks.Printable(id)}'.");
            if (election.Secret is null)
            {
                throw ApiErrors.FailedPrecondition(
                    $"Election '{RequestChecks.Printable(id)}' is an open (plaintext) election: it has no key generation or decryption; use GetElection and GetTally.");
            }

            var secret = _store.GetSecret(id) ?? new SecretRecord();
            var tally = _store.GetTally(id) ?? new TallyRecord();
            var headTime = _store.BlockTimeUnixMs(before);
            if (_store.Height != before)
            {
                // A block committed while reading: read everything again so all of it is from one height.
                continue;
            }

            return Task.FromResult(Describe(election, secret, tally, before, headTime));
        }
    }

    /// <summary>
    /// The phase is evaluated at max(head block time, the node's clock): a phase that has ended by the clock shows as
    /// ended even while no block has committed since (an idle chain makes no blocks), and a clock behind the chain
    /// cannot show a phase the chain has already left. Only block time decides what the rules accept; this is what a
    /// trustee or voter should expect next.
    /// </summary>
    private SecretElectionResponse Describe(ElectionRecord election, SecretRecord secret, TallyRecord tally, ulong height,
        long headTime)
    {
        var at = Math.Max(headTime, Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var status = KeyGenerationStatus.Evaluate(election, secret, at);
        var response = new SecretElectionResponse
        {
            Height = height,
            HeadTimeUnixMs = headTime,
            Election = election,
            Secret = secret,
            Tally = tally,
            KeyPhase = PhaseName(status.Phase),
            QualifiedDealers = { status.QualifiedDealers },
            DealingEndsAtUnixMs = status.DealingEndsAtUnixMs,
            ComplaintsEndAtUnixMs = status.ComplaintsEndAtUnixMs,
            AnswersEndAtUnixMs = status.AnswersEndAtUnixMs,
        };
        if (status.JointKey is { } key)
        {
            response.JointKey = ByteString.CopyFrom(key.ToArray());
        }

        return response;
    }

    private static string PhaseName(KeyGenerationPhase phase) => phase switch
    {
        KeyGenerationPhase.Dealing => "dealing",
        KeyGenerationPhase.Complaints => "complaints",
        KeyGenerationPhase.Answers => "answers",
        KeyGenerationPhase.Final => "final",
        _ => "failed",
    };
}
