using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Storage.Signing;

/// <summary>What a sign-state file held when it was read.</summary>
public enum SignStateFileStatus
{
    /// <summary>There is no file.</summary>
    Missing,

    /// <summary>The file is whole but belongs to another genesis; it says nothing about this chain.</summary>
    OtherChain,

    /// <summary>The file is whole and belongs to this chain; its state may still be empty (nothing signed yet).</summary>
    Present,
}

/// <summary>The outcome of reading a sign-state file: its status and, when present, the last signed point (or null).</summary>
public sealed record SignStateRead(SignStateFileStatus Status, SignState? State);

/// <summary>
/// The validator's double-sign record in a file of its own in the node's home (by default <c>config/sign_state</c>),
/// apart from the chain data: wiping <c>data/</c> to resync, or restoring an old copy of it, must not make the
/// validator forget what it signed. Every write is atomic and on disk before it returns (<see cref="DurableFile"/>).
/// </summary>
/// <remarks>
/// Layout, all of it covered by the trailing checksum so that a damaged file is refused rather than believed:
/// <code>
/// "votechain/v1/sign-state\n"   24 bytes
/// genesis hash                  32 bytes   (the chain this state belongs to)
/// state length                   4 bytes   big-endian; 0 when nothing was signed yet
/// SignState (protobuf)          length bytes
/// SHA-256 of all the above      32 bytes
/// </code>
/// </remarks>
public sealed class SignStateFile
{
    private const int HashSize = 32;
    private const int LengthSize = sizeof(uint);

    private readonly byte[] _genesisHash;

    public SignStateFile(string path, byte[] genesisHash)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(genesisHash);
        if (genesisHash.Length != HashSize)
        {
            throw new ArgumentException($"The genesis hash must be {HashSize} bytes.", nameof(genesisHash));
        }

        Path = System.IO.Path.GetFullPath(path);
        _genesisHash = (byte[])genesisHash.Clone();
    }

    public string Path { get; }

    private static ReadOnlySpan<byte> Magic => "votechain/v1/sign-state\n"u8;

    private static int Overhead => Magic.Length + HashSize + LengthSize + HashSize;

    /// <summary>Reads the file, refusing one larger than <paramref name="maxBytes"/> before reading it.</summary>
    /// <exception cref="StorageException">The file is unreadable, too large, damaged or not a sign-state file.</exception>
    public SignStateRead Read(long maxBytes)
    {
        if (Directory.Exists(Path))
        {
            throw Damaged("it is a folder, not a file");
        }

        if (!File.Exists(Path))
        {
            return new SignStateRead(SignStateFileStatus.Missing, null);
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(Path).Length;
            if (length > maxBytes)
            {
                throw Damaged($"it holds {length} bytes, more than the {maxBytes} a sign-state can take");
            }

            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"sign-state file {Path} cannot be read ({e.Message}); check its permissions", e);
        }

        return Decode(bytes);
    }

    /// <summary>Replaces the file with <paramref name="state"/> (null: nothing signed yet) and returns once it is on disk.</summary>
    /// <exception cref="StorageException">The file could not be written and synced; nothing signed may be sent.</exception>
    public void Write(SignState? state)
    {
        var payload = state?.ToByteArray() ?? [];
        var bytes = new byte[Overhead + payload.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        _genesisHash.CopyTo(span[Magic.Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(Magic.Length + HashSize)..], (uint)payload.Length);
        payload.CopyTo(span[(Magic.Length + HashSize + LengthSize)..]);
        SHA256.HashData(span[..^HashSize], span[^HashSize..]);
        try
        {
            DurableFile.Replace(Path, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"sign-state file {Path} cannot be written ({e.Message}); nothing was signed", e);
        }
    }

    private SignStateRead Decode(byte[] bytes)
    {
        if (bytes.Length < Overhead || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Damaged("it is not a VoteChain sign-state file");
        }

        var body = bytes.AsSpan(0, bytes.Length - HashSize);
        Span<byte> checksum = stackalloc byte[HashSize];
        SHA256.HashData(body, checksum);
        if (!CryptographicOperations.FixedTimeEquals(checksum, bytes.AsSpan(bytes.Length - HashSize)))
        {
            throw Damaged("its checksum does not match");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body[(Magic.Length + HashSize)..]);
        var payload = body[(Magic.Length + HashSize + LengthSize)..];
        if (length != payload.Length)
        {
            throw Damaged("its length field does not match its size");
        }

        if (!body.Slice(Magic.Length, HashSize).SequenceEqual(_genesisHash))
        {
            return new SignStateRead(SignStateFileStatus.OtherChain, null);
        }

        if (payload.IsEmpty)
        {
            return new SignStateRead(SignStateFileStatus.Present, null);
        }

        try
        {
            return new SignStateRead(SignStateFileStatus.Present, SignState.Parser.ParseFrom(payload));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Damaged($"its state does not parse ({e.Message})");
        }
    }

    private StorageException Damaged(string detail) => new(
        $"sign-state file {Path} is damaged: {detail}; restore it from this home's backup, or remove it and follow " +
        "config/README.md (sign-state) to start without it");
}
