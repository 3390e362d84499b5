using Google.Protobuf;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>A receipt saved as its binary protobuf, so a voter can verify it later without any node.</summary>
internal static class ReceiptFile
{
    public static Receipt Load(string path)
    {
        try
        {
            return Receipt.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot read receipt file {path}: {e.Message}", e);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserInputException($"receipt file {path} is not a receipt (binary protobuf): {e.Message}", e);
        }
    }

    public static void Save(string path, Receipt receipt)
    {
        try
        {
            File.WriteAllBytes(path, receipt.ToByteArray());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"cannot write receipt file {path}: {e.Message}", e);
        }
    }
}
