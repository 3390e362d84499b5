using Grpc.Core;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

public sealed class RejectionStatusTests
{
    [TestCase(RejectCode.BadWeight, StatusCode.InvalidArgument)]
    [TestCase(RejectCode.NotRegistered, StatusCode.NotFound)]
    [TestCase(RejectCode.ElectionExists, StatusCode.AlreadyExists)]
    [TestCase(RejectCode.NotAuthority, StatusCode.PermissionDenied)]
    [TestCase(RejectCode.StaleSequence, StatusCode.FailedPrecondition)]
    [TestCase(RejectCode.TallyOverflow, StatusCode.FailedPrecondition)]
    [TestCase(RejectCode.MempoolFull, StatusCode.ResourceExhausted)]
    [TestCase(RejectCode.RevoteTooSoon, StatusCode.ResourceExhausted)]
    public void A_code_maps_to_its_status(RejectCode code, StatusCode expected) =>
        Assert.That(RejectionStatus.CodeFor(code), Is.EqualTo(expected));

    [Test]
    public void Every_code_of_the_schema_has_a_deliberate_status()
    {
        var unmapped = Enum.GetValues<RejectCode>()
            .Where(c => c != RejectCode.Unspecified && RejectionStatus.CodeFor(c) == StatusCode.Unknown);

        Assert.That(unmapped, Is.Empty);
    }

    [Test]
    public void The_reason_reads_back_from_the_exception()
    {
        var exception = RejectionStatus.ToRpcException(new Rejection(RejectCode.AlreadyVoted, "This credential has already voted."));

        Assert.That(exception.StatusCode, Is.EqualTo(StatusCode.AlreadyExists));
        Assert.That(exception.Status.Detail, Is.EqualTo("This credential has already voted."));
        Assert.That(RejectionStatus.ReasonOf(exception), Is.EqualTo("ALREADY_VOTED"));
    }

    [Test]
    public void An_error_without_details_has_no_reason() =>
        Assert.That(RejectionStatus.ReasonOf(new RpcException(new Status(StatusCode.Unavailable, "down"))), Is.Null);
}
