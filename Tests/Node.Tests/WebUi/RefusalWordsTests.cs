using System.Text.RegularExpressions;

namespace VoteChain.Node.Tests.WebUi;

/// <summary>
/// The vote page tells a refused voter why in plain words (Node/Web/ui/src/lib/reasons.js). Every rejection the vote
/// path can return (the vote rules, the transaction decoder, the mempool) must have words there: a rule that gains a
/// new refusal fails this test until the page can explain it, rather than showing voters a bare code.
/// </summary>
public sealed partial class RefusalWordsTests
{
    // The files whose refusals reach a voter who casts a vote, relative to the repository root.
    private static readonly string[] VotePath =
    [
        "Consensus/Rules/VoteRules.cs",
        "Consensus/Rules/SecretVoteRules.cs",
        "Consensus/Rules/VoteChecks.cs",
        "Consensus/Rules/CommonChecks.cs",
        "Consensus/Rules/TxRules.cs",
        "Consensus/Transactions/TxDecoder.cs",
        "Networking/Mempool/Mempool.cs",
    ];

    // CommonChecks also serves the authorities' transactions; this one only an authority meets. The mempool's limit on
    // changing a proxy is met only by `votechain delegate`: the page casts votes, it does not appoint proxies.
    private static readonly string[] NotVoterFacing = ["NOT_AUTHORITY", "DELEGATION_TOO_SOON"];

    [Test]
    public void Every_refusal_a_voter_can_meet_has_plain_words_on_the_vote_page()
    {
        var root = RepositoryRoot();
        var words = WordKeys().Matches(File.ReadAllText(Path.Combine(root, "Node/Web/ui/src/lib/reasons.js")))
            .Select(m => m.Groups["code"].Value).ToHashSet(StringComparer.Ordinal);
        var refusals = VotePath
            .SelectMany(file => RejectCodeUse().Matches(File.ReadAllText(Path.Combine(root, file))).Select(m => ProtoName(m.Groups["code"].Value)))
            .Except(NotVoterFacing)
            .ToHashSet(StringComparer.Ordinal);

        Assert.That(refusals, Does.Contain("ALREADY_VOTED").And.Contain("NOT_REGISTERED"), "the scan found the vote rules' refusals");
        Assert.That(refusals.Except(words), Is.Empty, "refusals of the vote path without words in reasons.js");
    }

    [Test]
    public void The_words_name_only_codes_that_exist()
    {
        var root = RepositoryRoot();
        var declared = ProtoCode().Matches(File.ReadAllText(Path.Combine(root, "Protos/votechain/v1/state.proto")))
            .Select(m => m.Groups["code"].Value).ToHashSet(StringComparer.Ordinal);
        var words = WordKeys().Matches(File.ReadAllText(Path.Combine(root, "Node/Web/ui/src/lib/reasons.js")))
            .Select(m => m.Groups["code"].Value).ToList();

        Assert.That(words, Is.Not.Empty);
        Assert.That(words.Except(declared), Is.Empty, "reasons.js has words for codes state.proto does not declare");
    }

    /// <summary>AlreadyVoted → ALREADY_VOTED, as the protobuf C# generator names the enum's values.</summary>
    private static string ProtoName(string csharpName) => UpperBoundary().Replace(csharpName, "_$1").ToUpperInvariant();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VoteChain.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("No VoteChain.sln above the test folder.");
    }

    [GeneratedRegex(@"^\s+(?<code>[A-Z][A-Z_]+):\s", RegexOptions.Multiline)]
    private static partial Regex WordKeys();

    [GeneratedRegex(@"RejectCode\.(?<code>[A-Z][A-Za-z]+)")]
    private static partial Regex RejectCodeUse();

    [GeneratedRegex(@"^\s+(?<code>[A-Z][A-Z_]+)\s*=\s*\d+;", RegexOptions.Multiline)]
    private static partial Regex ProtoCode();

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex UpperBoundary();
}
