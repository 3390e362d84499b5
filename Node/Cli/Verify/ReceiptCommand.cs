using System.CommandLine;
using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Verify;

/// <summary>
/// <c>votechain receipt</c>: fetches a transaction's receipt (or reads a saved one) and verifies it offline against
/// the genesis validators, trusting no node.
/// </summary>
internal static class ReceiptCommand
{
    public static Command Build(CommandRunner runner)
    {
        var tx = new Option<string?>("--tx") { Description = "Transaction id (hex) whose receipt to fetch from the node." };
        var file = new Option<string?>("--file") { Description = "Verify a receipt saved earlier with --save instead of fetching one." };
        var save = new Option<string?>("--save") { Description = "Also save the receipt to this file (binary protobuf) for later checks." };
        var genesis = VerifyGenesis.Option();
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("receipt",
            "Verify offline that a transaction was committed: envelope, Merkle inclusion, header hash, commit certificate. " +
            "For a vote, also whether it is the ballot counted at the node's head, or which later ballot or revocation " +
            "replaced it, proven against that head's certified header (a receipt from an older node: only the node's word).")
        {
            tx, file, save, genesis, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var genesisMessage = VerifyGenesis.Load(parseResult.GetRequiredValue(genesis));
            var receipt = Obtain(parseResult.GetValue(tx), parseResult.GetValue(file), parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            if (parseResult.GetValue(save) is { } savePath)
            {
                ReceiptFile.Save(savePath, receipt);
            }

            var validators = ValidatorSet.From(genesisMessage);
            var verifier = new ReceiptVerifier(validators, genesisMessage.ChainId);
            var standing = new StandingVerifier(validators, genesisMessage.ChainId).Judge(receipt, out var standingProblem);
            var report = new ReceiptReport(receipt, ReceiptChecks.Run(receipt, verifier), standing, standingProblem);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, report);
            }
            else
            {
                report.WriteText(stdout);
            }

            if (report.Checks.FirstOrDefault(c => c.Problem is not null) is { } failed)
            {
                throw new UserInputException($"receipt check '{failed.Name}' FAILED: {failed.Problem}");
            }

            if (standingProblem is not null)
            {
                throw new UserInputException($"receipt standing proof FAILED: {standingProblem}");
            }
        });
        return command;
    }

    private static Receipt Obtain(string? tx, string? file, string url, ClientTls tls)
    {
        if ((tx is null) == (file is null))
        {
            throw new UserInputException("give either --tx ID (fetch from a node) or --file RECEIPT (a saved receipt)");
        }

        if (file is not null)
        {
            return ReceiptFile.Load(file);
        }

        var txId = HexInput.Parse(tx!, "--tx", Hashing.HashSize);
        using var client = new NodeClient(url, tls);
        var receipt = client.Call(api => api.GetReceiptAsync(new GetReceiptRequest { TxId = ByteString.CopyFrom(txId) },
            deadline: NodeClient.Deadline()), "receipt");
        // The checks prove the receipt's own transaction committed; a lying node could answer with a genuine receipt
        // of another one. The tx_id check then binds the envelope to this id.
        if (!receipt.TxId.Span.SequenceEqual(txId))
        {
            throw new UserInputException(
                $"the node answered with a receipt for transaction {Convert.ToHexStringLower(receipt.TxId.Span)}, not {Convert.ToHexStringLower(txId)}");
        }

        return receipt;
    }
}
