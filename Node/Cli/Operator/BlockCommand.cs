using System.CommandLine;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain block --height H | --hash HEX</c>: one committed block's header and commit certificate.</summary>
internal static class BlockCommand
{
    public static Command Build(CommandRunner runner)
    {
        var height = new Option<ulong?>("--height") { Description = "Height of the block (the first block is 1)." };
        var hash = new Option<string?>("--hash") { Description = "Hash of the block (hex)." };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("block", "Show a committed block: header, commit certificate and (with --json) transaction ids.")
        {
            height, hash, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var request = Request(parseResult.GetValue(height), parseResult.GetValue(hash));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var response = session.Client.Call(api => api.GetBlockAsync(request, deadline: NodeClient.Deadline()), "block");
            var view = ToJson(response);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, view);
                return;
            }

            stdout.WriteLine($"height:        {view.Height}");
            stdout.WriteLine($"hash:          {view.Hash}");
            stdout.WriteLine($"previous hash: {view.PreviousHash}");
            stdout.WriteLine($"time:          {view.Time}");
            stdout.WriteLine($"tx root:       {view.TxRoot}");
            stdout.WriteLine($"state root:    {view.StateRoot}");
            stdout.WriteLine($"proposer:      validator {view.ProposerIndex}");
            stdout.WriteLine($"transactions:  {view.TxCount}");
            stdout.WriteLine(view.Certificate is { } c
                ? $"certificate:   view {c.View}, signed by validators {string.Join(", ", c.SignerIndexes)}"
                : "certificate:   none");
        });
        return command;
    }

    private static GetBlockRequest Request(ulong? height, string? hash) => (height, hash) switch
    {
        ({ } h, null) => new GetBlockRequest { Height = h },
        (null, { } x) => new GetBlockRequest { Hash = Google.Protobuf.ByteString.CopyFrom(HexInput.Parse(x, "--hash", Hashing.HashSize)) },
        _ => throw new UserInputException("give exactly one of --height and --hash"),
    };

    private static BlockJson ToJson(GetBlockResponse response)
    {
        var block = Block.Parser.ParseFrom(response.Block);
        var header = BlockHeader.Parser.ParseFrom(block.Header);
        var certificate = block.Certificate is { } c
            ? new CertificateJson(c.View, [.. c.Signatures.Select(s => s.ValidatorIndex)])
            : null;
        return new BlockJson(header.Height, HexInput.Format(response.BlockHash.Span), HexInput.Format(header.PreviousHash.Span),
            GenesisTime.Format(header.TimeUnixMs), HexInput.Format(header.TxRoot.Span), HexInput.Format(header.StateRoot.Span),
            header.ProposerIndex, header.TxCount, certificate,
            [.. block.Transactions.Select(t => HexInput.Format(Hashing.Sha256(t.Span)))]);
    }

    private sealed record BlockJson(ulong Height, string Hash, string PreviousHash, string Time, string TxRoot, string StateRoot,
        uint ProposerIndex, uint TxCount, CertificateJson? Certificate, IReadOnlyList<string> TxIds);

    private sealed record CertificateJson(ulong View, IReadOnlyList<uint> SignerIndexes);
}
