using System.CommandLine;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Cli.Operator;

/// <summary><c>votechain voters revoke</c>: withdraws a lost or stolen credential, optionally naming its replacement.</summary>
internal static class VotersRevokeCommand
{
    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("election authority");
        var election = OperatorOptions.Election();
        var pubkey = new Option<string>("--pubkey") { Description = "Public key (hex) of the credential to revoke.", Required = true };
        var replacement = new Option<string?>("--replacement") { Description = "Public key (hex) registered in its place with the same weight." };
        var wait = OperatorOptions.Wait("the revocation is committed");
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("revoke", "Revoke a voter credential; its counted vote leaves the tally (signed by an election authority).")
        {
            key, election, pubkey, replacement, wait, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var credential = HexInput.PublicKey(parseResult.GetRequiredValue(pubkey), "--pubkey");
            var revoke = new RevokeCredential { ElectionId = parseResult.GetRequiredValue(election), Credential = ByteString.CopyFrom(credential) };
            if (parseResult.GetValue(replacement) is { } hex)
            {
                revoke.Replacement = ByteString.CopyFrom(HexInput.PublicKey(hex, "--replacement"));
            }

            using var authority = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var txId = session.Submit(authority, new TxPayload { RevokeCredential = revoke }, "revocation");
            ulong? height = null;
            if (parseResult.GetValue(wait))
            {
                // The revocation's own height is not recorded, so report the head that first shows it.
                height = Polling.Until(() => session.Voter(revoke.ElectionId, credential).Credential is { Revoked: true }
                    ? new StrongBox<ulong>(session.Status().Height) : null, "the revocation to commit").Value;
            }

            var result = new RevokedJson(revoke.ElectionId, HexInput.Format(credential), HexInput.Format(txId), height);
            if (parseResult.GetValue(json))
            {
                JsonOutput.Write(stdout, result);
                return;
            }

            stdout.WriteLine($"revocation of {result.Credential} submitted in tx {result.TxId}");
            if (height is not null)
            {
                stdout.WriteLine($"committed (head at height {height})");
            }
        });
        return command;
    }

    private sealed record RevokedJson(string ElectionId, string Credential, string TxId, ulong? CommittedByHeight);
}
