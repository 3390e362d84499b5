using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary>A tally proof saved as its binary protobuf, so anyone holding the genesis file can check it later, offline.</summary>
internal static class TallyProofFile
{
    /// <summary>
    /// The largest file read. A proof is a few kilobytes (two records and two state proofs of at most 8,772 bytes each)
    /// plus one certified header per change of validators; 16 MiB is far beyond any real one and bounds a hostile file.
    /// </summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    public static TallyProof Load(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes)
            {
                throw new UserInputException($"tally proof file {path} is {length} bytes, more than a proof can be ({MaxBytes})");
            }

            return TallyProof.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read tally proof file {path}: {e.Message}", e);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserInputException($"tally proof file {path} is not a tally proof (binary protobuf): {e.Message}", e);
        }
    }

    public static void Save(string path, TallyProof proof)
    {
        try
        {
            File.WriteAllBytes(path, proof.ToByteArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write tally proof file {path}: {e.Message}", e);
        }
    }
}
