using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Rules;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Node.Keys;
using VoteChain.Node.PaperBallots;

namespace VoteChain.Node.Cli.Ballots;

/// <summary>
/// <c>votechain ballots print</c>: makes N one-time credentials, registers them (signed by the authority, waiting until
/// committed) and only then writes DIR/ballots.pdf, a ballot per page with the key in its QR code, plus
/// DIR/ballots.csv with each ballot's code and public key. The private keys exist only in memory and in the PDF: if
/// registration fails nothing is printed; if the PDF cannot be written the registered credentials are useless, since
/// nobody holds their keys, and the command says so.
/// </summary>
internal static class BallotsPrintCommand
{
    public const int MaxCount = 10_000;
    public const string PdfName = "ballots.pdf";
    public const string RecordsName = "ballots.csv";

    public static Command Build(CommandRunner runner)
    {
        var key = OperatorOptions.Key("election authority");
        var election = OperatorOptions.Election();
        var count = new Option<int>("--count") { Description = $"How many ballots (1 to {MaxCount:N0}).", Required = true };
        var output = new Option<string>("--out")
        {
            Description = $"Folder for {PdfName} (the ballots, with their keys: print it and delete it) and {RecordsName} (codes and public keys only).",
            Required = true,
        };
        var weight = new Option<ulong>("--weight") { Description = "Weight of each ballot's credential.", DefaultValueFactory = _ => 1 };
        var node = NodeClient.NodeOption();
        var json = JsonOutput.Option();
        var command = new Command("print",
            "Create one-time credentials, register them, and write a printable PDF with one ballot per page (its key in a QR code).")
        {
            key, election, count, output, weight, node, json,
        };
        runner.Attach(command, (parseResult, stdout) =>
        {
            var ballots = parseResult.GetValue(count);
            if (ballots is < 1 or > MaxCount)
            {
                throw new UserInputException($"--count must be from 1 to {MaxCount}, got {ballots}");
            }

            // 0 would register the default weight 1 while the records said 0; the upper bound is the chain's to enforce.
            if (parseResult.GetValue(weight) == 0)
            {
                throw new UserInputException("--weight must be at least 1");
            }

            var folder = parseResult.GetRequiredValue(output);
            SafeFile.CreateFolder(folder, "ballots folder");
            var pdf = Path.Combine(folder, PdfName);
            var records = Path.Combine(folder, RecordsName);
            foreach (var path in new[] { pdf, records })
            {
                if (File.Exists(path) || Directory.Exists(path))
                {
                    throw new UserInputException($"{path} already exists (refusing to overwrite; choose another --out)");
                }
            }

            using var authority = KeyFile.Load(parseResult.GetRequiredValue(key));
            using var session = new NodeSession(parseResult.GetRequiredValue(node), ClientTls.From(parseResult));
            var id = parseResult.GetRequiredValue(election);
            var request = new PrintRequest(session, authority, id, ballots, parseResult.GetValue(weight), pdf, records);
            var asJson = parseResult.GetValue(json);
            var report = Print(request, asJson ? TextWriter.Null : stdout);
            if (asJson)
            {
                JsonOutput.Write(stdout, report);
                return;
            }

            stdout.WriteLine($"printed {report.Ballots} ballots for election '{id}' on chain '{report.ChainId}' ({report.PdfBytes:N0} bytes)");
            stdout.WriteLine($"{pdf}: the ballots WITH THEIR KEYS (mode 0600): print it, then delete it; whoever holds a copy can vote those ballots");
            stdout.WriteLine($"{records}: ballot codes and public keys only, for the authority's records");
        });
        return command;
    }

    private sealed record PrintRequest(NodeSession Session, Ed25519KeyPair Authority, string ElectionId, int Count, ulong Weight, string Pdf, string Records);

    private static PrintReport Print(PrintRequest request, TextWriter progress)
    {
        var session = request.Session;
        var record = session.Election(request.ElectionId);
        PaperElection.EnsurePrintable(record);
        using var text = BallotText.Load();
        var title = text.Title(record.Definition.Title);
        var options = record.Definition.Options.Select((o, i) => text.Option(i, o)).ToList();
        var chainId = session.ChainId;

        var keys = new List<Ed25519KeyPair>(request.Count);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                keys.Add(Ed25519KeyPair.Generate());
            }

            var codes = keys.Select(k => BallotCode.Of(k.PublicKey)).ToList();
            var voters = keys.Select((k, i) => new VoterLine(i + 1, k.PublicKey, request.Weight)).ToList();
            var registration = new Registration(session, request.Authority, request.ElectionId, RuleContext.DefaultMaxVotersPerBatch);
            ProgressDisplay.Run(progress, request.Count, [.. Registration.Stages, "printed"], report =>
            {
                registration.Run(voters, wait: true, report);
                if (registration.RefusedBatches.Count > 0)
                {
                    throw new UserInputException(
                        $"the node refused {registration.RefusedVoters} of {request.Count} credentials ({registration.RefusedBatches[0].Reason}); nothing was printed, so no key exists anywhere");
                }

                WritePdf(request, keys.Select((k, i) => Sheet(chainId, record.Definition.ElectionId, title, options, k, codes[i])), text,
                    done => report(2, done));
            });

            SafeFile.CreateNew(request.Records, Records(keys, codes, request.Weight), isPrivate: false, "ballot records");
            return new PrintReport(request.ElectionId, chainId, request.Count, request.Weight, Path.GetFullPath(request.Pdf),
                new FileInfo(request.Pdf).Length, Path.GetFullPath(request.Records));
        }
        finally
        {
            foreach (var k in keys)
            {
                k.Dispose();
            }
        }
    }

    /// <summary>One page's content; the seed is copied into the QR text and wiped from the array it was exported into.</summary>
    private static BallotSheet Sheet(string chainId, string electionId, FittedText title, IReadOnlyList<FittedText> options, Ed25519KeyPair key, string code)
    {
        var seed = key.ExportSeed();
        try
        {
            return new BallotSheet(chainId, electionId, title, options, new PaperBallotPayload(chainId, electionId, seed).Encode(), code);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static void WritePdf(PrintRequest request, IEnumerable<BallotSheet> sheets, BallotText text, Action<long> printed)
    {
        try
        {
            BallotPdf.Write(request.Pdf, [.. sheets], text, printed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UserInputException)
        {
            throw new UserInputException(
                $"{request.Count} credentials were registered in election '{request.ElectionId}' but NOT printed ({e.Message}); " +
                "nobody holds their keys, so they can never vote: print a new set");
        }
    }

    private static string Records(IReadOnlyList<Ed25519KeyPair> keys, IReadOnlyList<string> codes, ulong weight)
    {
        var csv = new StringBuilder("ballot_code,public_key_hex,weight\n");
        for (var i = 0; i < keys.Count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{codes[i]},{HexInput.Format(keys[i].PublicKey)},{weight}\n");
        }

        return csv.ToString();
    }

    /// <summary>pdf: holds the keys (0600); records: ballot codes and public keys, no secret.</summary>
    private sealed record PrintReport(string ElectionId, string ChainId, int Ballots, ulong Weight, string Pdf, long PdfBytes, string Records);
}
