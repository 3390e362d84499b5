using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Protos.V1;
using VoteChain.Storage.Signing;

namespace VoteChain.Storage.Tests;

public sealed class SignStateFileTests : StoreFixture
{
    private const long MaxBytes = 1 << 20;

    private string FilePath => Path.Combine(Root, "config", "sign_state");

    private SignStateFile File => new(FilePath, TestChain.GenesisHash);

    [Test]
    public void A_written_state_reads_back_whole_after_reopening_the_file()
    {
        File.Write(State(7, 2));
        File.Write(State(8, 0));

        var read = new SignStateFile(FilePath, TestChain.GenesisHash).Read(MaxBytes);

        Assert.That(read.Status, Is.EqualTo(SignStateFileStatus.Present));
        Assert.That(read.State, Is.EqualTo(State(8, 0)));
    }

    [Test]
    public void A_missing_file_reads_as_missing_and_an_empty_state_as_present_with_nothing_signed()
    {
        Assert.That(File.Read(MaxBytes), Is.EqualTo(new SignStateRead(SignStateFileStatus.Missing, null)));

        File.Write(null);

        Assert.That(File.Read(MaxBytes), Is.EqualTo(new SignStateRead(SignStateFileStatus.Present, null)));
    }

    [Test]
    public void The_file_is_owner_only_and_no_temporary_file_is_left_behind()
    {
        File.Write(State(1, 0));

        Assert.That(Directory.GetFiles(Path.GetDirectoryName(FilePath)!), Is.EqualTo(new[] { FilePath }));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(System.IO.File.GetUnixFileMode(FilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void A_symlink_planted_at_the_temporary_name_is_replaced_not_written_through()
    {
        var folder = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(folder);
        var victim = Path.Combine(Root, "victim");
        System.IO.File.WriteAllText(victim, "keep me");
        System.IO.File.CreateSymbolicLink(FilePath + ".tmp", victim);

        File.Write(State(3, 1));

        Assert.That(System.IO.File.ReadAllText(victim), Is.EqualTo("keep me"));
        Assert.That(File.Read(MaxBytes).State, Is.EqualTo(State(3, 1)));
        Assert.That(new FileInfo(FilePath).LinkTarget, Is.Null, "the sign-state is a file of its own, not the link");
    }

    [Test]
    public void A_temporary_file_left_open_to_others_does_not_pass_its_mode_on()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(folder);
        System.IO.File.WriteAllText(FilePath + ".tmp", "left by a crash");
        System.IO.File.SetUnixFileMode(FilePath + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        File.Write(State(4, 0));

        Assert.That(System.IO.File.GetUnixFileMode(FilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_state_of_another_genesis_is_reported_as_such_and_never_handed_out()
    {
        new SignStateFile(FilePath, Hashing.Sha256("another genesis"u8)).Write(State(40, 1));

        var read = File.Read(MaxBytes);

        Assert.That(read, Is.EqualTo(new SignStateRead(SignStateFileStatus.OtherChain, null)));
    }

    [TestCase(0, "not a VoteChain sign-state file")]
    [TestCase(30, "checksum does not match")]
    [TestCase(-1, "checksum does not match")]
    public void A_damaged_file_is_refused_with_one_line_naming_it(int flipAt, string expected)
    {
        File.Write(State(5, 0));
        var bytes = System.IO.File.ReadAllBytes(FilePath);
        bytes[flipAt < 0 ? bytes.Length + flipAt : flipAt] ^= 0x01;
        System.IO.File.WriteAllBytes(FilePath, bytes);

        var e = Assert.Throws<StorageException>(() => File.Read(MaxBytes))!;

        Assert.That(e.Message, Does.Contain(FilePath).And.Contain(expected).And.Not.Contain("\n"));
    }

    [Test]
    public void A_truncated_file_is_refused()
    {
        File.Write(State(5, 0));
        var bytes = System.IO.File.ReadAllBytes(FilePath);
        System.IO.File.WriteAllBytes(FilePath, bytes[..^40]);

        Assert.Throws<StorageException>(() => File.Read(MaxBytes));
    }

    [Test]
    public void A_file_larger_than_the_bound_is_refused_before_it_is_read()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        using (var stream = System.IO.File.Create(FilePath))
        {
            stream.SetLength(MaxBytes + 1);
        }

        var e = Assert.Throws<StorageException>(() => File.Read(MaxBytes))!;

        Assert.That(e.Message, Does.Contain("more than the"));
    }

    [Test]
    public void An_old_database_sign_state_moves_to_the_file_once_and_leaves_the_column()
    {
        var store = Open();
        store.WriteLegacySignState(State(12, 3).ToByteArray());

        Assert.That(LegacySignState.MoveToFile(store, File, MaxBytes), Is.True);

        Assert.That(File.Read(MaxBytes).State, Is.EqualTo(State(12, 3)));
        Assert.That(store.ReadLegacySignState(), Is.Null);
        Assert.That(LegacySignState.MoveToFile(store, File, MaxBytes), Is.False);
    }

    [Test]
    public void An_old_database_sign_state_never_overwrites_a_file_written_since()
    {
        // A crash after the file was written but before the column was emptied: the file is the newer record.
        var store = Open();
        File.Write(State(20, 0));
        store.WriteLegacySignState(State(12, 3).ToByteArray());

        Assert.That(LegacySignState.MoveToFile(store, File, MaxBytes), Is.False);

        Assert.That(File.Read(MaxBytes).State, Is.EqualTo(State(20, 0)));
        Assert.That(store.ReadLegacySignState(), Is.Null);
    }

    private static SignState State(ulong height, ulong view) => new()
    {
        Height = height,
        View = view,
        Step = 2,
        BlockHash = ByteString.CopyFrom(Hashing.Sha256(BitConverter.GetBytes(height))),
    };
}
