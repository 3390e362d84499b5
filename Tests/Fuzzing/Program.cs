using SharpFuzz;
using VoteChain.Fuzzing;

// votechain-fuzz: the fuzz targets' host. scripts/fuzz.sh instruments the build and runs `run TARGET` under
// afl-fuzz; the test suite replays the corpus through the same targets.
const string Usage = """
    usage: votechain-fuzz list
           votechain-fuzz run TARGET              (under afl-fuzz: reads each input from stdin)
           votechain-fuzz replay TARGET PATH...   (files or folders of inputs; exit 1 if any throws)
           votechain-fuzz seed DIR                (writes the seed corpus into DIR/TARGET/)
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "list" when args.Length == 1:
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name,-10} {target.Description}");
        }

        return 0;

    case "run" when args.Length == 2 && FuzzTargets.Find(args[1]) is { } fuzzed:
        IFuzzTarget? running = null;
        Fuzzer.Run(stream =>
        {
            running ??= fuzzed.Create();
            // afl-fuzz bounds its inputs (1 MB); the copy is bounded by that, not trusted to be small.
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            running.Run(copy.ToArray());
        });
        return 0;

    case "replay" when args.Length >= 3 && FuzzTargets.Find(args[1]) is { } target:
        var inputs = CorpusReplay.Inputs(args[2..]);
        var failures = CorpusReplay.Run(target.Create(), inputs);
        foreach (var failure in failures)
        {
            Console.WriteLine($"{failure.Path}: {failure.Exception}");
        }

        Console.WriteLine($"replayed {inputs.Count} inputs through {target.Name}: {failures.Count} failed");
        return failures.Count == 0 ? 0 : 1;

    case "seed" when args.Length == 2:
        foreach (var (name, seeds) in SeedCorpus.Build())
        {
            var folder = Directory.CreateDirectory(Path.Combine(args[1], name));
            foreach (var (seedName, bytes) in seeds)
            {
                File.WriteAllBytes(Path.Combine(folder.FullName, seedName), bytes);
            }

            Console.WriteLine($"{name}: {seeds.Count} seeds in {folder.FullName}");
        }

        return 0;

    default:
        Console.Error.WriteLine($"votechain-fuzz: bad usage (targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))})");
        Console.Error.WriteLine(Usage);
        return 2;
}
