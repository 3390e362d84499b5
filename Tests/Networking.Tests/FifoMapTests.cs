using VoteChain.Networking.Caching;

namespace VoteChain.Networking.Tests;

public sealed class FifoMapTests
{
    private static byte[] Key(int i) => BitConverter.GetBytes(i);

    [Test]
    public void Past_its_count_the_oldest_entry_goes_first_and_a_held_key_keeps_its_place()
    {
        var map = new FifoMap<string>(capacity: 2);

        Assert.That(map.TryAdd(Key(1), "one"), Is.True);
        Assert.That(map.TryAdd(Key(2), "two"), Is.True);
        Assert.That(map.TryAdd(Key(1), "again"), Is.False, "a held key is not added twice");
        map.Update(Key(1), "updated");
        Assert.That(map.TryAdd(Key(3), "three"), Is.True);

        Assert.That(map.Count, Is.EqualTo(2));
        Assert.That(map.TryGetValue(Key(1), out _), Is.False, "key 1 was the oldest, updated or not");
        Assert.That(map.TryGetValue(Key(3), out var three) && three == "three", Is.True);
    }

    [Test]
    public void Past_its_byte_budget_the_oldest_entries_go_and_an_entry_larger_than_the_budget_is_not_kept()
    {
        var map = new FifoMap<int>(capacity: 100, maxBytes: 10);
        map.TryAdd(Key(1), 1, size: 4);
        map.TryAdd(Key(2), 2, size: 4);

        Assert.That(map.TryAdd(Key(3), 3, size: 4), Is.True);
        Assert.That(map.TryAdd(Key(4), 4, size: 11), Is.False);

        Assert.That(map.TryGetValue(Key(1), out _), Is.False, "12 bytes held would pass the budget of 10");
        Assert.That(map.TryGetValue(Key(2), out _) && map.TryGetValue(Key(3), out _), Is.True);
        Assert.That(map.TryGetValue(Key(4), out _), Is.False);
    }

    [Test]
    public void Update_does_not_add_a_key_and_clear_empties_the_map_and_its_budget()
    {
        var map = new FifoMap<int>(capacity: 2, maxBytes: 8);
        map.Update(Key(9), 9);
        Assert.That(map.Count, Is.Zero);

        map.TryAdd(Key(1), 1, size: 8);
        map.Clear();

        Assert.That(map.TryAdd(Key(2), 2, size: 8), Is.True, "the budget was freed");
        Assert.That(map.Count, Is.EqualTo(1));
    }
}
