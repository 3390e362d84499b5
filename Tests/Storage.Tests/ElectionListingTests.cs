using Google.Protobuf;
using VoteChain.Consensus.State;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Tests;

public sealed class ElectionListingTests : StoreFixture
{
    [Test]
    public void A_fresh_store_lists_no_elections()
    {
        var store = Open();

        Assert.That(store.Elections(), Is.Empty);
    }

    [Test]
    public void Elections_are_listed_by_id_across_blocks_and_restarts()
    {
        var store = Open();
        store.Write(Chain.Next(1, Election("zeta"), Election("alpha")));
        store.Write(Chain.Next(1, Election("mid.2"), TestChain.Registered(7, 2)));

        Assert.That(store.Elections().Select(e => e.Definition.ElectionId), Is.EqualTo(new[] { "alpha", "mid.2", "zeta" }));

        store.Dispose();
        var reopened = Open();
        Assert.That(reopened.Elections().Select(e => e.Definition.Title), Is.EqualTo(new[] { "title alpha", "title mid.2", "title zeta" }));
    }

    [Test]
    public void Other_columns_do_not_leak_into_the_listing()
    {
        var store = Open();
        store.Write(Chain.Next(1, TestChain.Election(1), TestChain.Registered(7, 1), TestChain.Tally(0, 0)));

        Assert.That(store.Elections().Select(e => e.Definition.ElectionId), Is.EqualTo(new[] { TestChain.ElectionId }));
    }

    private static StateChange Election(string id) => new(
        StateColumn.Elections,
        StateKeys.Election(id),
        new ElectionRecord { Definition = new CreateElection { ElectionId = id, Title = $"title {id}", Options = { "a", "b" } } }
            .ToByteArray());
}
