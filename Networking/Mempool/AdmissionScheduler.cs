using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace VoteChain.Networking.Mempool;

/// <summary>
/// Where the signature, key and proof checks of transactions waiting to enter the mempool run: one thread per core, each
/// at a lower OS priority (Linux niceness <see cref="Niceness"/>) than the rest of the node. Under a flood of
/// submissions those checks can fill every core for as long as the flood lasts; at equal priority the consensus driver
/// then got a sliver of a core, took seconds to build or judge a block, and every height waited for a view change (seen
/// in the 1,000,000-vote run). Consensus, block execution and the API's own threads keep normal priority, so admission
/// runs on what they leave, and waiting submissions are what slows down.
/// </summary>
public sealed class AdmissionScheduler : TaskScheduler
{
    /// <summary>Linux niceness of the admission threads: under CFS a normal thread weighs about nine of them.</summary>
    public const int Niceness = 10;

    /// <summary>The process's admission threads, started on first use; they live as long as the process.</summary>
    public static AdmissionScheduler Shared { get; } = new(Environment.ProcessorCount);

    [ThreadStatic]
    private static bool _isAdmissionThread;

    private readonly BlockingCollection<Task> _queue = new();
    private readonly int _threads;

    private AdmissionScheduler(int threads)
    {
        _threads = threads;
        for (var i = 0; i < threads; i++)
        {
            new Thread(Run) { IsBackground = true, Name = $"admission check {i}" }.Start();
        }

        Options = new ParallelOptions { TaskScheduler = this, MaxDegreeOfParallelism = threads };
    }

    /// <summary>Parallel loops with these options run on the admission threads only.</summary>
    public ParallelOptions Options { get; }

    /// <summary>
    /// Signature checks this few run on the caller's thread: handing them over costs a wait for a free admission thread, which may be
    /// busy with a large batch, and at a light load that wait doubled a vote's time to commit (p50 122 ms to 236 ms at
    /// 200 votes/s). A flood arrives in large batches (gossip merges them), and those go to the admission threads.
    /// </summary>
    public const int InlineItems = 8;

    /// <summary>Runs <paramref name="body"/> for each item: on the caller's thread when there are few, else on the admission threads.</summary>
    public void ForEach<T>(IReadOnlyList<T> items, Action<T> body)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(body);
        if (items.Count <= InlineItems)
        {
            foreach (var item in items)
            {
                body(item);
            }

            return;
        }

        Parallel.ForEach(items, Options, body);
    }

    public override int MaximumConcurrencyLevel => _threads;

    /// <summary>Whether the admission threads run below normal priority (false where the OS refused or is not Linux).</summary>
    public static bool Lowered { get; private set; }

    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <summary>A loop's first part would run on its caller (an API or gossip thread, at normal priority): only
    /// admission threads run work inline.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _isAdmissionThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Run()
    {
        _isAdmissionThread = true;
        Lowered = LowerPriority();
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    private static bool LowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // On Linux each thread is a task with its own niceness; raising it (lowering priority) needs no privilege.
            return SetPriority(PrioProcess, GetTid(), Niceness) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private const int PrioProcess = 0;

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
