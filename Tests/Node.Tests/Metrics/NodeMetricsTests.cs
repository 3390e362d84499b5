using System.Text;
using VoteChain.Consensus.Rules;
using VoteChain.Networking.Mempool;
using VoteChain.Node.Metrics;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Metrics;

/// <summary>The bounds that keep the metrics' memory and series fixed whatever clients send.</summary>
public sealed class NodeMetricsTests
{
    [Test]
    public void A_flood_of_client_transactions_that_never_commit_keeps_only_the_newest_clocks()
    {
        var times = new SubmitTimes(capacity: 100);
        var ids = Enumerable.Range(0, 10_000).Select(i => BitConverter.GetBytes(i).Concat(new byte[28]).ToArray()).ToList();
        foreach (var id in ids)
        {
            times.Start(id);
        }

        Assert.That(times.Count, Is.EqualTo(100));
        Assert.That(times.Take(ids[0]), Is.Null, "the oldest was forgotten");
        Assert.That(times.Take(ids[^1]), Is.Not.Null, "the newest is timed");
        Assert.That(times.Take(ids[^1]), Is.Null, "a commit takes a clock once");
        Assert.That(times.Count, Is.EqualTo(99));
    }

    [Test]
    public void Taken_clocks_and_repeated_starts_do_not_push_the_bound()
    {
        var times = new SubmitTimes(capacity: 3);
        byte[][] ids = [[1], [2], [3], [4]];
        times.Start(ids[0]);
        times.Start(ids[0]);
        times.Start(ids[1]);
        times.Start(ids[2]);
        Assert.That(times.Count, Is.EqualTo(3), "a repeat is not a second entry");
        Assert.That(times.Take(ids[0]), Is.Not.Null);

        times.Start(ids[3]);
        Assert.That(times.Count, Is.EqualTo(3));
        Assert.That(times.Take(ids[1]), Is.Not.Null, "the bound counts starts, so the taken one made room");
    }

    [Test]
    public async Task A_code_this_build_does_not_know_is_counted_under_one_other_label()
    {
        var metrics = new NodeMetrics(pendingCapacity: 16);
        metrics.Judged([
            new SubmitOutcome(null, new Rejection((RejectCode)1_000, "from the future")),
            new SubmitOutcome(null, new Rejection((RejectCode)1_001, "from further on")),
            new SubmitOutcome(null, new Rejection(RejectCode.AlreadyVoted, "again")),
            new SubmitOutcome([1], null),
        ]);

        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        var refused = lines.Where(l => l.StartsWith("votechain_transactions_refused_total{", StringComparison.Ordinal)).ToList();
        Assert.That(refused, Has.Count.EqualTo(Enum.GetValues<RejectCode>().Length - 1 + 1), "every code, and OTHER");
        Assert.That(refused, Does.Contain($"votechain_transactions_refused_total{{reason=\"{NodeMetrics.OtherReason}\"}} 2"));
        Assert.That(refused, Does.Contain("votechain_transactions_refused_total{reason=\"ALREADY_VOTED\"} 1"));
        Assert.That(lines, Does.Contain("votechain_transactions_accepted_total 1"));
    }
}
