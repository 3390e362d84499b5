using Google.Protobuf;
using Grpc.Core;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>ListEvidence and the status count, over real gRPC, with evidence signed by the chain's validator.</summary>
public sealed class EvidenceTests : ApiTestBase
{
    [Test]
    public async Task Listed_evidence_is_newest_first_with_its_facts_and_the_status_counts_it()
    {
        var empty = await Client.ListEvidenceAsync(new ListEvidenceRequest(), cancellationToken: Deadline);
        Assert.That((empty.Records.Count, empty.Total), Is.EqualTo((0, 0ul)));
        Assert.That((await Status()).EvidenceCount, Is.Zero);

        Store(height: 3, PhaseVoteKind.Prepare, recordedAt: 1_000);
        Store(height: 4, PhaseVoteKind.Commit, recordedAt: 2_000);
        Store(height: 5, PhaseVoteKind.Prepare, recordedAt: 3_000);

        var listed = await Client.ListEvidenceAsync(new ListEvidenceRequest { Limit = 2 }, cancellationToken: Deadline);

        Assert.That(listed.Total, Is.EqualTo(3));
        Assert.That(listed.Records.Select(r => r.Height), Is.EqualTo(new ulong[] { 5, 4 }));
        var commit = listed.Records[1];
        Assert.That(commit.Kind, Is.EqualTo(EvidenceKind.Commit));
        Assert.That(commit.ValidatorIndex, Is.Zero);
        Assert.That(commit.ValidatorPublicKey.ToByteArray(), Is.EqualTo(Chain.Validator.PublicKey));
        Assert.That(commit.View, Is.EqualTo(1));
        Assert.That(commit.RecordedUnixMs, Is.EqualTo(2_000));
        var first = ConsensusMessage.Parser.ParseFrom(commit.First).PhaseVote;
        var second = ConsensusMessage.Parser.ParseFrom(commit.Second).PhaseVote;
        Assert.That((first.Height, first.Kind, second.Height, second.Kind), Is.EqualTo((4ul, PhaseVoteKind.Commit, 4ul, PhaseVoteKind.Commit)));
        Assert.That(first.BlockHash, Is.Not.EqualTo(second.BlockHash));
        Assert.That((await Status()).EvidenceCount, Is.EqualTo(3));
    }

    [Test]
    public async Task No_limit_means_the_default_and_a_limit_above_the_maximum_is_refused()
    {
        Store(height: 3, PhaseVoteKind.Prepare);
        Store(height: 4, PhaseVoteKind.Prepare);

        var all = await Client.ListEvidenceAsync(new ListEvidenceRequest(), cancellationToken: Deadline);
        var atMaximum = await Client.ListEvidenceAsync(new ListEvidenceRequest { Limit = ApiLimits.MaxEvidenceRecords }, cancellationToken: Deadline);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ListEvidenceAsync(new ListEvidenceRequest { Limit = ApiLimits.MaxEvidenceRecords + 1 }, cancellationToken: Deadline));

        Assert.That(all.Records, Has.Count.EqualTo(2));
        Assert.That(atMaximum.Records, Has.Count.EqualTo(2));
        Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(error.Status.Detail, Does.Contain("1000"));
    }

    private Task<NodeStatus> Status() => Client.GetStatusAsync(new GetStatusRequest(), cancellationToken: Deadline).ResponseAsync;

    /// <summary>Stores a pair of conflicting votes of the validator at this height (view 1), signed for this chain.</summary>
    private void Store(ulong height, PhaseVoteKind kind, long recordedAt = 1)
    {
        var evidence = new Evidence
        {
            Validator = 0,
            First = Vote(height, kind, Hashing.Sha256([1, (byte)height])),
            Second = Vote(height, kind, Hashing.Sha256([2, (byte)height])),
        };
        var record = EvidenceRecords.Describe(evidence, Chain.Validators, recordedAt);
        Assert.That(Chain.Store.Evidence.WriteEvidence(record!), Is.EqualTo(EvidenceWriteOutcome.Stored));
    }

    private ConsensusMessage Vote(ulong height, PhaseVoteKind kind, byte[] hash) => new()
    {
        PhaseVote = new PhaseVote
        {
            Kind = kind,
            Height = height,
            View = 1,
            BlockHash = ByteString.CopyFrom(hash),
            Sender = 0,
            Signature = ByteString.CopyFrom(Chain.Validator.Sign(MessageSigning.Bytes(
                kind == PhaseVoteKind.Commit ? SignStep.Commit : SignStep.Prepare, ApiChain.ChainId, height, 1, hash))),
        },
    };
}
