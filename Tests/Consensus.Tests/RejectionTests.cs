using VoteChain.Consensus.Rules;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Tests;

public sealed class RejectionTests
{
    [Test]
    public void Code_names_are_the_stable_wire_names()
    {
        var rejection = new Rejection(RejectCode.AlreadyVoted, "This credential has already voted.");
        Assert.That(rejection.CodeName, Is.EqualTo("ALREADY_VOTED"));
        Assert.That(rejection.ToString(), Is.EqualTo("ALREADY_VOTED: This credential has already voted."));
    }
}
