using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using VoteChain.Node.Backup;

namespace VoteChain.Node.Tests.Backup;

/// <summary>
/// The backup archive as restore reads it: a genuine one round-trips, and every entry that is not exactly a file its
/// manifest lists (a path out of the data folder, a link, a size or content other than listed, a file left out, a
/// manifest naming paths) is refused with one sentence.
/// </summary>
public sealed class BackupArchiveTests
{
    private static readonly byte[] Table = RandomNumberGenerator.GetBytes(100_000);
    private static readonly byte[] Current = "MANIFEST-000005\n"u8.ToArray();

    [Test]
    public void A_genuine_archive_is_read_back_file_for_file()
    {
        using var temp = new TempFolder();
        var archive = WriteGenuine(temp);
        var target = Directory.CreateDirectory(temp.File("restored")).FullName;
        using var output = new StringWriter();

        var manifest = BackupArchive.Read(archive, _ => { }, target, new ProgressLines(output, "writing", Table.Length + Current.Length));

        Assert.That(manifest.Height, Is.EqualTo(42));
        Assert.That(File.ReadAllBytes(Path.Combine(target, "000009.sst")), Is.EqualTo(Table));
        Assert.That(File.ReadAllBytes(Path.Combine(target, "CURRENT")), Is.EqualTo(Current));
        Assert.That(output.ToString(), Does.Contain("writing: 100%"));
    }

    [Test]
    public void The_manifest_is_judged_before_any_file_is_read()
    {
        using var temp = new TempFolder();
        var archive = WriteGenuine(temp);
        var target = Directory.CreateDirectory(temp.File("restored")).FullName;

        var refused = Assert.Throws<UserInputException>(() => BackupArchive.Read(archive,
            m => throw new UserInputException($"chain {m.ChainId} is not this home's"), target, Quiet()));

        Assert.That(refused!.Message, Is.EqualTo("chain devnet is not this home's"));
        Assert.That(Directory.EnumerateFileSystemEntries(target), Is.Empty);
    }

    [TestCase("data/../../escaped", TarEntryType.RegularFile)]
    [TestCase("/tmp/escaped", TarEntryType.RegularFile)]
    [TestCase("../escaped", TarEntryType.RegularFile)]
    [TestCase("data/subfolder/000009.sst", TarEntryType.RegularFile)]
    [TestCase("data/000009.sst", TarEntryType.SymbolicLink)]
    [TestCase("data/000009.sst", TarEntryType.HardLink)]
    [TestCase("data/", TarEntryType.Directory)]
    public void An_entry_that_is_not_a_listed_file_is_refused(string name, TarEntryType type)
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        Craft(archive, Manifest(Listed("CURRENT", Current)), (type, name, "outside"u8.ToArray()), (TarEntryType.RegularFile, "data/CURRENT", Current));

        var refused = Assert.Throws<UserInputException>(() => Read(archive));

        Assert.That(refused!.Message, Does.Contain($"'{name}'").And.Contain("not a file its manifest lists"));
    }

    [Test]
    public void A_file_given_twice_is_refused()
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        Craft(archive, Manifest(Listed("CURRENT", Current)), (TarEntryType.RegularFile, "data/CURRENT", Current),
            (TarEntryType.RegularFile, "data/CURRENT", Current));

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message, Does.Contain("not a file its manifest lists"));
    }

    [Test]
    public void An_entry_larger_than_its_manifest_says_is_refused_before_it_is_read()
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        Craft(archive, Manifest(Listed("CURRENT", Current)), (TarEntryType.RegularFile, "data/CURRENT", new byte[1_000_000]));

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message,
            Does.Contain($"has 1000000 bytes where its manifest says {Current.Length}"));
    }

    [Test]
    public void An_altered_file_of_the_listed_size_is_refused_by_its_hash()
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        var altered = (byte[])Current.Clone();
        altered[0] ^= 1;
        Craft(archive, Manifest(Listed("CURRENT", Current)), (TarEntryType.RegularFile, "data/CURRENT", altered));

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message, Does.Contain("does not match its SHA-256"));
    }

    [Test]
    public void A_listed_file_left_out_is_refused()
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        Craft(archive, Manifest(Listed("CURRENT", Current), Listed("000009.sst", Table)), (TarEntryType.RegularFile, "data/CURRENT", Current));

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message, Does.Contain("lacks 1 files its manifest lists (first: 000009.sst)"));
    }

    [TestCase("../CURRENT")]
    [TestCase("sub/CURRENT")]
    [TestCase("/CURRENT")]
    [TestCase("LOCK")]
    [TestCase("CURRENT\n")]
    public void A_manifest_naming_anything_but_a_flat_database_file_is_refused(string name)
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        Craft(archive, Manifest(Listed(name, Current)), (TarEntryType.RegularFile, "data/" + name, Current));

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message, Does.Contain("not a database file name"));
    }

    [Test]
    public void An_archive_whose_first_entry_is_not_the_manifest_is_not_a_backup()
    {
        using var temp = new TempFolder();
        var archive = temp.File("crafted.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            Add(tar, TarEntryType.RegularFile, "data/CURRENT", Current);
        }

        Assert.That(Assert.Throws<UserInputException>(() => Read(archive))!.Message, Does.Contain("its first entry is not manifest.json"));
    }

    [Test]
    public void A_file_that_is_not_a_gzipped_tar_is_one_sentence()
    {
        using var temp = new TempFolder();
        var archive = temp.File("junk.tar.gz");
        File.WriteAllText(archive, "not an archive at all");

        var message = Assert.Throws<UserInputException>(() => Read(archive))!.Message;

        Assert.That(message, Does.Contain("damaged or not a VoteChain backup"));
        Assert.That(message, Does.Not.Contain('\n'));
    }

    private static BackupManifest Read(string archive) => BackupArchive.Read(archive, _ => { }, target: null, Quiet());

    private static ProgressLines Quiet() => new(TextWriter.Null, "checking", 0);

    private static string WriteGenuine(TempFolder temp)
    {
        var folder = Directory.CreateDirectory(temp.File("checkpoint")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "000009.sst"), Table);
        File.WriteAllBytes(Path.Combine(folder, "CURRENT"), Current);
        var archive = temp.File("backup.tar.gz");
        BackupArchive.Write(archive, Manifest(Listed("000009.sst", Table), Listed("CURRENT", Current)), folder, Quiet());
        return archive;
    }

    private static BackupFile Listed(string name, byte[] content) => new(name, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));

    private static BackupManifest Manifest(params BackupFile[] files) => new(BackupManifest.KindName, BackupManifest.CurrentVersion, "devnet",
        new string('a', 64), 42, new string('b', 64), 1, "test", DateTimeOffset.UnixEpoch, files);

    private static void Craft(string path, BackupManifest manifest, params (TarEntryType Type, string Name, byte[] Content)[] entries)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        Add(tar, TarEntryType.RegularFile, BackupManifest.EntryName, manifest.ToJson());
        foreach (var (type, name, content) in entries)
        {
            Add(tar, type, name, content);
        }
    }

    private static void Add(TarWriter tar, TarEntryType type, string name, byte[] content)
    {
        var entry = new PaxTarEntry(type, name);
        if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink)
        {
            entry.LinkName = "/etc/passwd";
        }
        else if (type == TarEntryType.RegularFile)
        {
            entry.DataStream = new MemoryStream(content);
        }

        tar.WriteEntry(entry);
    }
}
