using RocksDbSharp;
using VoteChain.Consensus.Pbft;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Tests;

/// <summary>The evidence column: round trip, one record per pair, one per (validator, height), bounds, restarts.</summary>
public sealed class EvidenceStoreTests : StoreFixture
{
    private EvidenceSamples _samples = null!;

    [SetUp]
    public void CreateSamples() => _samples = new EvidenceSamples();

    [TearDown]
    public void DisposeSamples() => _samples.Dispose();

    [Test]
    public void Stored_records_read_back_newest_first_with_their_facts()
    {
        var evidence = Open().Evidence;
        var prepare = _samples.Record(1, height: 5, view: 2, PhaseVoteKind.Prepare, recordedAt: 1_000);
        var commit = _samples.Record(2, height: 6, view: 0, PhaseVoteKind.Commit, recordedAt: 2_000);
        var third = _samples.Record(3, height: 7, recordedAt: 3_000);

        Assert.That(evidence.WriteEvidence(prepare), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(commit), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(third), Is.EqualTo(EvidenceWriteOutcome.Stored));

        Assert.That(evidence.EvidenceCount, Is.EqualTo(3));
        var newest = evidence.NewestEvidence(10);
        Assert.That(newest.Select(r => r.Height), Is.EqualTo(new ulong[] { 7, 6, 5 }));
        Assert.That(newest.Select(r => r.Sequence), Is.EqualTo(new ulong[] { 3, 2, 1 }));
        var read = newest[2];
        Assert.That(read.ValidatorIndex, Is.EqualTo(1));
        Assert.That(read.ValidatorPublicKey.ToByteArray(), Is.EqualTo(_samples.PublicKey(1)));
        Assert.That(read.View, Is.EqualTo(2));
        Assert.That(read.Kind, Is.EqualTo(EvidenceKind.Prepare));
        Assert.That(newest[1].Kind, Is.EqualTo(EvidenceKind.Commit));
        Assert.That(read.RecordedUnixMs, Is.EqualTo(1_000));
        Assert.That(read.First, Is.EqualTo(prepare.First));
        Assert.That(read.Second, Is.EqualTo(prepare.Second));
        Assert.That(read.Id.ToByteArray(), Is.EqualTo(EvidenceRecords.Id(prepare)));
        Assert.That(ConsensusMessage.Parser.ParseFrom(read.Second).PhaseVote.Sender, Is.EqualTo(1));

        Assert.That(evidence.NewestEvidence(2).Select(r => r.Height), Is.EqualTo(new ulong[] { 7, 6 }));
        Assert.That(evidence.NewestEvidence(0), Is.Empty);
    }

    [Test]
    public void A_listing_stops_at_its_byte_budget_but_always_gives_the_newest()
    {
        var evidence = Open().Evidence;
        for (var height = 1ul; height <= 3; height++)
        {
            evidence.WriteEvidence(_samples.Record(1, height));
        }

        var size = evidence.NewestEvidence(1).Single().CalculateSize();

        Assert.That(evidence.NewestEvidence(10, maxBytes: 1).Select(r => r.Height), Is.EqualTo(new ulong[] { 3 }));
        Assert.That(evidence.NewestEvidence(10, maxBytes: (2 * size) + 1).Select(r => r.Height), Is.EqualTo(new ulong[] { 3, 2 }));
        Assert.That(evidence.NewestEvidence(10, maxBytes: 3 * size), Has.Count.EqualTo(3));
    }

    [Test]
    public void The_same_pair_twice_or_in_swapped_order_is_stored_once()
    {
        var evidence = Open().Evidence;
        var pair = _samples.Pair(1, height: 3);
        var swapped = new Evidence { Validator = 1, First = pair.Second, Second = pair.First };

        Assert.That(evidence.WriteEvidence(_samples.Describe(pair)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Describe(pair, recordedAt: 9_999)), Is.EqualTo(EvidenceWriteOutcome.Duplicate));
        Assert.That(evidence.WriteEvidence(_samples.Describe(swapped)), Is.EqualTo(EvidenceWriteOutcome.Duplicate));

        Assert.That(evidence.EvidenceCount, Is.EqualTo(1));
        Assert.That(evidence.NewestEvidence(10).Single().RecordedUnixMs, Is.EqualTo(EvidenceSamples.RecordedAt));
    }

    [Test]
    public void A_second_pair_against_one_validator_at_one_height_is_not_stored()
    {
        var evidence = Open().Evidence;

        Assert.That(evidence.WriteEvidence(_samples.Record(1, height: 3, salt: 0)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, height: 3, salt: 1)), Is.EqualTo(EvidenceWriteOutcome.HeightRecorded));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, height: 3, view: 1, PhaseVoteKind.Commit)), Is.EqualTo(EvidenceWriteOutcome.HeightRecorded));
        Assert.That(evidence.WriteEvidence(_samples.Record(2, height: 3)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, height: 4)), Is.EqualTo(EvidenceWriteOutcome.Stored));

        Assert.That(evidence.EvidenceCount, Is.EqualTo(3));
    }

    [Test]
    public void The_record_bound_refuses_new_evidence_and_keeps_the_first_also_after_a_reopen()
    {
        var limits = new EvidenceLimits { MaxRecords = 3 };
        var store = Open(evidenceLimits: limits);
        for (var height = 1ul; height <= 3; height++)
        {
            Assert.That(store.Evidence.WriteEvidence(_samples.Record((uint)height, height)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        }

        Assert.That(store.Evidence.WriteEvidence(_samples.Record(0, 4)), Is.EqualTo(EvidenceWriteOutcome.StoreFull));
        store.Dispose();

        var reopened = Open(evidenceLimits: limits);
        Assert.That(reopened.Evidence.EvidenceCount, Is.EqualTo(3));
        Assert.That(reopened.Evidence.WriteEvidence(_samples.Record(0, 5)), Is.EqualTo(EvidenceWriteOutcome.StoreFull));
        Assert.That(reopened.Evidence.NewestEvidence(10).Select(r => r.Height), Is.EqualTo(new ulong[] { 3, 2, 1 }));
    }

    [Test]
    public void One_validator_cannot_take_more_than_its_share()
    {
        var evidence = Open(evidenceLimits: new EvidenceLimits { MaxRecordsPerValidator = 2 }).Evidence;

        Assert.That(evidence.WriteEvidence(_samples.Record(1, 1)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, 2)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, 3)), Is.EqualTo(EvidenceWriteOutcome.ValidatorFull));
        Assert.That(evidence.WriteEvidence(_samples.Record(2, 3)), Is.EqualTo(EvidenceWriteOutcome.Stored));

        Assert.That(evidence.EvidenceCount, Is.EqualTo(3));
    }

    [Test]
    public void The_byte_bounds_count_serialized_records()
    {
        var size = _samples.Record(0, 1).CalculateSize();
        // Room for two records in all and one per validator (the stored copy adds its sequence and is a few bytes larger).
        var evidence = Open(evidenceLimits: new EvidenceLimits { MaxBytes = (2 * size) + 40, MaxBytesPerValidator = size + 20 }).Evidence;

        Assert.That(evidence.WriteEvidence(_samples.Record(1, 1)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(1, 2)), Is.EqualTo(EvidenceWriteOutcome.ValidatorFull));
        Assert.That(evidence.WriteEvidence(_samples.Record(2, 2)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(evidence.WriteEvidence(_samples.Record(3, 2)), Is.EqualTo(EvidenceWriteOutcome.StoreFull));
    }

    [Test]
    public void Evidence_survives_a_close_and_reopen_and_numbering_continues()
    {
        var store = Open();
        var first = _samples.Record(1, 1);
        store.Evidence.WriteEvidence(first);
        store.Evidence.WriteEvidence(_samples.Record(2, 1));
        store.Dispose();

        var reopened = Open();

        Assert.That(reopened.Evidence.EvidenceCount, Is.EqualTo(2));
        Assert.That(reopened.Evidence.NewestEvidence(10)[1].First, Is.EqualTo(first.First));
        Assert.That(reopened.Evidence.WriteEvidence(first), Is.EqualTo(EvidenceWriteOutcome.Duplicate));
        Assert.That(reopened.Evidence.WriteEvidence(_samples.Record(3, 1)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        Assert.That(reopened.Evidence.NewestEvidence(1).Single().Sequence, Is.EqualTo(3));
    }

    [Test]
    public void Evidence_does_not_move_the_chain_head()
    {
        var store = Open();
        store.Write(Chain.Next());

        store.Evidence.WriteEvidence(_samples.Record(1, 2));

        Assert.That(store.Height, Is.EqualTo(1));
        Assert.That(store.GetBlockBytes(1), Is.Not.Null);
    }

    [Test]
    public void An_older_data_folder_without_the_evidence_column_opens_and_then_records()
    {
        var store = Open();
        store.Write(Chain.Next());
        store.Dispose();
        DropColumn("evidence");
        Assert.That(RocksDb.ListColumnFamilies(new DbOptions(), Folder), Does.Not.Contain("evidence").And.Contain("blocks"));

        var reopened = Open();

        Assert.That(reopened.Height, Is.EqualTo(1));
        Assert.That(reopened.Evidence.EvidenceCount, Is.Zero);
        Assert.That(reopened.Evidence.NewestEvidence(10), Is.Empty);
        Assert.That(reopened.Evidence.WriteEvidence(_samples.Record(1, 2)), Is.EqualTo(EvidenceWriteOutcome.Stored));
        reopened.Dispose();
        Assert.That(RocksDb.ListColumnFamilies(new DbOptions(), Folder), Does.Contain("evidence"));
        Assert.That(Open().Evidence.EvidenceCount, Is.EqualTo(1));
    }

    /// <summary>Makes the folder look as a node before the column existed left it: every other column, this one gone.</summary>
    private void DropColumn(string name)
    {
        var families = new ColumnFamilies();
        foreach (var family in RocksDb.ListColumnFamilies(new DbOptions(), Folder).Where(f => f != "default"))
        {
            families.Add(family, new ColumnFamilyOptions());
        }

        using var db = RocksDb.Open(new DbOptions(), Folder, families);
        db.DropColumnFamily(name);
    }
}
