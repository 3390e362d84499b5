using System.Collections.Concurrent;
using VoteChain.Networking.Mempool;

namespace VoteChain.Networking.Tests;

/// <summary>
/// The mempool's admission checks run on threads of their own at a lower OS priority, never on the caller's thread (an
/// API or gossip thread at normal priority), so under a flood the consensus driver still gets the cores it needs.
/// </summary>
public sealed class AdmissionSchedulerTests
{
    [Test]
    public void A_parallel_loop_runs_only_on_admission_threads_at_the_lower_priority()
    {
        var threads = new ConcurrentDictionary<int, (string? Name, int Nice)>();
        var caller = Environment.CurrentManagedThreadId;

        Parallel.For(0, 200, AdmissionScheduler.Shared.Options, _ =>
        {
            threads.TryAdd(Environment.CurrentManagedThreadId, (Thread.CurrentThread.Name, OwnNiceness()));
            Thread.SpinWait(20_000);
        });

        Assert.That(threads.Keys, Does.Not.Contain(caller), "the caller's thread ran none of it");
        Assert.That(threads.Values.Select(t => t.Name), Has.All.StartWith("admission check"));
        Assert.That(threads, Has.Count.LessThanOrEqualTo(Environment.ProcessorCount));
        Assert.That(AdmissionScheduler.Lowered, Is.True, "Linux lets a thread lower its own priority");
        Assert.That(threads.Values.Select(t => t.Nice), Has.All.EqualTo(AdmissionScheduler.Niceness));
        Assert.That(OwnNiceness(), Is.LessThan(AdmissionScheduler.Niceness), "the caller keeps its priority");
    }

    [Test]
    public void A_loop_started_on_an_admission_thread_finishes_even_when_every_admission_thread_is_busy()
    {
        // Nested loops (a batch's proofs inside a batch's checks) must not wait for threads that are all waiting.
        var total = 0;
        var nested = Task.Run(() => Parallel.For(0, Environment.ProcessorCount * 2, AdmissionScheduler.Shared.Options, _ =>
            Parallel.For(0, 50, AdmissionScheduler.Shared.Options, _ => Interlocked.Increment(ref total))));

        Assert.That(nested.Wait(TimeSpan.FromSeconds(30)), Is.True, "no deadlock");

        Assert.That(total, Is.EqualTo(Environment.ProcessorCount * 2 * 50));
    }

    [Test]
    public void A_few_checks_run_on_the_callers_thread_and_many_on_the_admission_threads()
    {
        var caller = Environment.CurrentManagedThreadId;
        var few = new ConcurrentBag<int>();
        var many = new ConcurrentBag<int>();

        AdmissionScheduler.Shared.ForEach(Enumerable.Range(0, AdmissionScheduler.InlineItems).ToList(), _ => few.Add(Environment.CurrentManagedThreadId));
        AdmissionScheduler.Shared.ForEach(Enumerable.Range(0, AdmissionScheduler.InlineItems + 1).ToList(), _ => many.Add(Environment.CurrentManagedThreadId));

        Assert.That(few, Has.Count.EqualTo(AdmissionScheduler.InlineItems));
        Assert.That(few, Has.All.EqualTo(caller));
        Assert.That(many, Has.Count.EqualTo(AdmissionScheduler.InlineItems + 1));
        Assert.That(many, Has.None.EqualTo(caller));
    }

    /// <summary>This thread's niceness, field 19 of /proc/thread-self/stat (after the command name in parentheses).</summary>
    private static int OwnNiceness()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
