using System.Text;
using VoteChain.Consensus.Audit;
using Google.Protobuf;
using VoteChain.Fuzzing;
using VoteChain.Networking.Api;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Tests.Fuzzing;

/// <summary>
/// The fuzz corpus in Tests/Fuzzing/corpus replayed through every target (what afl-fuzz found interesting, and
/// any input that once crashed, stays a regression test), and the seeds checked to still reach deep: a seed that
/// stopped verifying would leave afl-fuzz mutating inputs that die at the first check.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static IEnumerable<string> TargetNames() => FuzzTargets.All.Select(t => t.Name);

    [TestCaseSource(nameof(TargetNames))]
    public void Every_corpus_input_runs_through_its_target_without_an_exception(string name)
    {
        var inputs = CorpusReplay.Inputs([Path.Combine(CorpusFolder(), name)]);
        Assert.That(inputs, Is.Not.Empty, $"the corpus has no inputs for {name}");

        var failures = CorpusReplay.Run(FuzzTargets.Find(name)!.Create(), inputs);

        Assert.That(failures.Select(f => $"{Path.GetFileName(f.Path)}: {f.Exception}"), Is.Empty);
    }

    [Test]
    public void The_committed_seeds_are_the_ones_the_seed_writer_makes_today()
    {
        foreach (var (target, seeds) in SeedCorpus.Build())
        {
            foreach (var (name, bytes) in seeds)
            {
                var path = Path.Combine(CorpusFolder(), target, name);
                Assert.That(File.Exists(path), Is.True, $"{target}/{name} is missing: run `votechain-fuzz seed Tests/Fuzzing/corpus`");
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes),
                    $"{target}/{name} differs from the seed writer's: regenerate it with `votechain-fuzz seed Tests/Fuzzing/corpus`");
            }
        }
    }

    [Test]
    public void The_seeds_pass_every_check_so_mutations_start_deep()
    {
        var seeds = SeedCorpus.Build();
        var decoder = new Consensus.Transactions.TxDecoder(FuzzFixture.ChainId);
        Assert.That(seeds["tx"].Select(s => decoder.Decode(s.Bytes).Rejection?.Message), Is.All.Null);

        foreach (var (name, bytes) in seeds["block"])
        {
            // The first byte is the block target's mode.
            var auditor = new ChainAuditor(FuzzFixture.Genesis);
            Assert.That(auditor.Add(bytes.AsSpan(1)), Is.Empty, name);
        }

        var verifier = new ReceiptVerifier(FuzzFixture.ValidatorSet, FuzzFixture.ChainId);
        Assert.That(seeds["receipt"].Select(s => verifier.Problem(Receipt.Parser.ParseFrom(s.Bytes))), Is.All.Null);

        var genesis = GenesisFile.FromText(Encoding.UTF8.GetString(seeds["genesis"].Single().Bytes), "seed");
        Assert.That(Consensus.Genesis.GenesisValidator.Validate(genesis), Is.Empty);
        using var key = KeyFile.FromText(Encoding.UTF8.GetString(seeds["keyfile"].Single(s => s.Name == "validator0").Bytes), "seed");
        Assert.That(key.PublicKey, Is.EqualTo(FuzzFixture.Validators[0].PublicKey));
        using var credential = KeyFile.FromText(Encoding.UTF8.GetString(seeds["keyfile"].Single(s => s.Name == "credential").Bytes), "seed");
        Assert.That(credential.PublicKey, Is.EqualTo(FuzzFixture.Voters[0].PublicKey));
    }

    [TestCase("commit-exchange")]
    [TestCase("view-change-exchange")]
    public void A_consensus_exchange_seed_makes_validator_0_commit_block_1(string seed)
    {
        var engine = EngineHarness.NewEngine(0);
        var bytes = SeedCorpus.Build()["consensus"].Single(s => s.Name == seed).Bytes;
        Assert.That(bytes[0], Is.Zero, "the consensus target's set-up byte: validator 0, no liar");
        using var stream = new MemoryStream(bytes, 1, bytes.Length - 1);
        var finalized = new List<Consensus.Pbft.FinalizedBlock>();
        while (stream.Position < stream.Length)
        {
            var message = ConsensusMessage.Parser.ParseDelimitedFrom(stream);
            finalized.AddRange(EngineHarness.Step(engine, new Consensus.Pbft.MessageReceived(message)).Finalized);
        }

        Assert.That(finalized.Select(f => f.Block.Height), Is.EqualTo(new[] { 1UL }));
    }

    [Test]
    public void A_lying_validator_can_sign_anything_it_likes_and_validator_0_still_commits_the_honest_block()
    {
        // The liar (validator 1, the primary) re-signs its own messages; unchanged, they are what it sent anyway.
        var bytes = SeedCorpus.Build()["consensus"].Single(s => s.Name == "commit-exchange-liar").Bytes;

        Assert.That(bytes[0], Is.EqualTo(1));
        Assert.That(() => FuzzTargets.Find("consensus")!.Create().Run(bytes), Throws.Nothing);
    }

    [Test]
    public void The_receipt_target_refuses_an_accepted_receipt_for_a_transaction_the_block_does_not_hold()
    {
        // A receipt the verifier accepts, but for position 1 while proving position 0's transaction, would be a forged
        // proof; the verifier refuses it, so the target's soundness check never sees it accepted.
        var receipt = Receipt.Parser.ParseFrom(SeedCorpus.Build()["receipt"].Single(s => s.Name == "receipt-0").Bytes);
        receipt.Position = 1;

        Assert.That(new ReceiptVerifier(FuzzFixture.ValidatorSet, FuzzFixture.ChainId).Problem(receipt), Is.Not.Null);
        Assert.That(() => FuzzTargets.Find("receipt")!.Create().Run(receipt.ToByteArray()), Throws.Nothing);
    }

    [Test]
    public void A_target_that_breaks_its_promise_is_reported_as_a_failure()
    {
        var folder = Directory.CreateTempSubdirectory("votechain-fuzz-replay-");
        try
        {
            var input = Path.Combine(folder.FullName, "input");
            File.WriteAllBytes(input, [1, 2, 3]);

            var failures = CorpusReplay.Run(new ThrowingTarget(), [input]);

            Assert.That(failures.Select(f => f.Exception.Message), Is.EqualTo(new[] { "broken" }));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class ThrowingTarget : IFuzzTarget
    {
        public void Run(byte[] input) => throw new PropertyViolation("broken");
    }

    private static string CorpusFolder()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "Tests", "Fuzzing", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("No Tests/Fuzzing/corpus above the test folder.");
    }
}
