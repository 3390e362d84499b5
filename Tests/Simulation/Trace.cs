namespace VoteChain.Simulation;

/// <summary>The last steps of a run, kept so that a failure can be read as well as replayed from its seed.</summary>
public sealed class Trace
{
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;

    public Trace(int capacity = 1_000) => _capacity = capacity;

    public void Add(long tick, string line)
    {
        _lines.Enqueue($"[{tick,6}] {line}");
        if (_lines.Count > _capacity)
        {
            _lines.Dequeue();
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, _lines);
}
