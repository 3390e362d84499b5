using System.Text;
using Google.Protobuf;
using VoteChain.Consensus.Chain;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Merkle;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Node.Anonymous;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Protos.V1;

namespace VoteChain.Fuzzing;

/// <summary>
/// The starting corpus, made from real objects in the fixture's world: signed transactions, a certified block
/// that passes the audit, receipts for its transactions, the messages four engines exchanged to commit it (and to
/// change view when the primary is silent), a genesis file and a key file. Deterministic: Ed25519 signatures are,
/// and the fixture's keys and times are fixed.
/// </summary>
internal static class SeedCorpus
{
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Name, byte[] Bytes)>> Build()
    {
        var envelopes = Transactions();
        var blocks = Blocks();
        var block = blocks[0].Bytes;
        return new Dictionary<string, IReadOnlyList<(string, byte[])>>
        {
            ["tx"] = [.. envelopes.Select((e, i) => ($"tx-{i}", e))],
            // The block target's first byte is its mode (see BlockTarget): each block as it is, and certified afresh
            // with its transactions signed afresh.
            ["block"] = [.. blocks.Select(b => (b.Name, (byte[])[0, .. b.Bytes])), .. blocks.Select(b => ($"{b.Name}-resigned", (byte[])[3, .. b.Bytes]))],
            ["receipt"] = [.. envelopes.Select((_, i) => ($"receipt-{i}", Receipt(block, i)))],
            ["consensus"] = ConsensusSeeds(),
            ["genesis"] = [("genesis", Encoding.UTF8.GetBytes(GenesisFile.ToText(FuzzFixture.Genesis)))],
            ["keyfile"] = [("validator0", KeyFileText()), ("credential", CredentialFileText())],
        };
    }

    /// <summary>The certified blocks at height 1 the seeds use: the votes block first.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Blocks()
    {
        var envelopes = Transactions();
        return
        [
            ("block-1-votes", CertifiedBlock(envelopes, signers: 3)), ("block-1-all-signed", CertifiedBlock(envelopes, signers: 4)),
            ("block-1-empty", CertifiedBlock([], signers: 3)),
        ];
    }

    private static List<byte[]> Transactions()
    {
        var create = new CreateElection
        {
            ElectionId = FuzzFixture.ElectionId,
            Title = "Fuzz election",
            OpensAtUnixMs = FuzzFixture.GenesisTimeUnixMs,
            ClosesAtUnixMs = FuzzFixture.GenesisTimeUnixMs + 3_600_000,
            AllowRevote = true,
        };
        create.Options.AddRange(["yes", "no"]);
        var register = new RegisterVoters { ElectionId = FuzzFixture.ElectionId };
        register.Voters.AddRange(FuzzFixture.Voters.Select(v =>
            new VoterEntry { Credential = ByteString.CopyFrom(v.PublicKey), Weight = 1 }));
        List<byte[]> envelopes =
        [
            Sign(FuzzFixture.Authority, new TxPayload { CreateElection = create }),
            Sign(FuzzFixture.Authority, new TxPayload { RegisterVoters = register }),
        ];
        for (var i = 0; i < FuzzFixture.Voters.Length; i++)
        {
            envelopes.Add(Sign(FuzzFixture.Voters[i], new TxPayload
            {
                CastVote = new CastVote { ElectionId = FuzzFixture.ElectionId, Option = (uint)(i % 2), Sequence = 1 },
            }));
        }

        return envelopes;
    }

    private static byte[] Sign(ISigner signer, TxPayload payload)
    {
        payload.ChainId = FuzzFixture.ChainId;
        return TxSigning.Sign(signer, payload);
    }

    /// <summary>Block 1 over the envelopes with the rules' state root, certified by the first <paramref name="signers"/> validators.</summary>
    private static byte[] CertifiedBlock(IReadOnlyList<byte[]> envelopes, int signers)
    {
        var decoder = new TxDecoder(FuzzFixture.ChainId);
        var transactions = envelopes.Select(e => decoder.Decode(e).Value
            ?? throw new InvalidOperationException("a seed transaction does not decode")).ToList();
        var state = new MemoryState(FuzzFixture.GenesisHashBytes);
        var result = BlockExecutor.Execute(state, RuleContext.From(FuzzFixture.Genesis),
            new BlockContext(1, FuzzFixture.FirstBlockTimeUnixMs), transactions);
        var executed = result.Value ?? throw new InvalidOperationException($"the seed block breaks a rule: {result.Rejection}");
        var parsed = BlockCodec.Build(FuzzFixture.ChainId, 1, FuzzFixture.GenesisHashBytes, FuzzFixture.FirstBlockTimeUnixMs,
            1, envelopes, [.. transactions.Select(t => t.Id)], executed.StateRoot);
        Certifier.Certify(parsed.Block, 1, signers);
        return parsed.Block.ToByteArray();
    }

    /// <summary>A receipt for the transaction at <paramref name="position"/>, laid out as the API's GetReceipt builds one.</summary>
    private static byte[] Receipt(byte[] blockBytes, int position)
    {
        var block = Block.Parser.ParseFrom(blockBytes);
        var ids = block.Transactions.Select(t => Hashing.Sha256(t.Span)).ToList();
        var proof = MerkleTree.Prove(ids, position);
        return new Receipt
        {
            TxId = ByteString.CopyFrom(ids[position]),
            Height = 1,
            Position = (uint)position,
            Header = block.Header,
            Proof = { proof.Path.Select(ByteString.CopyFrom) },
            TreeSize = proof.TreeSize,
            Certificate = block.Certificate,
            Envelope = block.Transactions[position],
        }.ToByteArray();
    }

    /// <summary>
    /// The messages validators 1–3 sent while four engines committed block 1, and while three of them (the primary,
    /// validator 1, silent) changed view and committed it in view 1: each whole exchange, and each message alone; and
    /// the primary proposing block 1 with nothing received.
    /// </summary>
    private static List<(string, byte[])> ConsensusSeeds()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var (name, silent) in new[] { ("commit", -1), ("view-change", 1) })
        {
            // The consensus target's first byte picks its set-up (see ConsensusTarget): validator 0 under test with the
            // messages as they were sent, and with validator 1 lying.
            var toZero = Exchange(silent);
            seeds.Add(($"{name}-exchange", [0, .. Delimited(toZero)]));
            seeds.Add(($"{name}-exchange-liar", [1, .. Delimited(toZero)]));
            seeds.AddRange(toZero.Select((m, i) => ($"{name}-{i:D2}-{m.KindCase}", (byte[])[0, .. Delimited([m])])));
        }

        seeds.Add(("primary-proposes", [2]));

        return seeds;
    }

    /// <summary>Runs the four engines (one of them <paramref name="silent"/>, or none) until validator 0 commits; returns what it received.</summary>
    private static List<ConsensusMessage> Exchange(int silent)
    {
        var engines = Enumerable.Range(0, FuzzFixture.ValidatorCount).Select(EngineHarness.NewEngine).ToArray();
        var queue = new Queue<(int From, ConsensusMessage Message)>();
        var toZero = new List<ConsensusMessage>();
        var committed = false;

        void Route(int from, EngineEffects effects)
        {
            committed |= from == 0 && effects.Finalized.Count > 0;
            if (from != silent)
            {
                effects.Messages.ForEach(m => queue.Enqueue((from, m)));
            }
        }

        for (var i = 0; i < engines.Length; i++)
        {
            Route(i, EngineHarness.Step(engines[i], new WorkPending(true)));
        }

        for (var round = 0; round < 200 && !committed; round++)
        {
            while (queue.TryDequeue(out var sent) && !committed)
            {
                for (var to = 0; to < engines.Length; to++)
                {
                    if (to == sent.From)
                    {
                        continue;
                    }

                    if (to == 0)
                    {
                        toZero.Add(sent.Message);
                    }

                    Route(to, EngineHarness.Step(engines[to], new MessageReceived(sent.Message)));
                }
            }

            for (var i = 0; i < engines.Length && !committed; i++)
            {
                Route(i, EngineHarness.Step(engines[i], Tick.Instance));
            }
        }

        return committed ? toZero : throw new InvalidOperationException("the seed engines did not commit block 1");
    }

    private static byte[] Delimited(IEnumerable<ConsensusMessage> messages)
    {
        using var stream = new MemoryStream();
        foreach (var message in messages)
        {
            message.WriteDelimitedTo(stream);
        }

        return stream.ToArray();
    }

    private static byte[] KeyFileText() => Written(path => KeyFile.Save(path, FuzzFixture.Validators[0]));

    /// <summary>An anonymous credential file (it holds a key, and `vote --key` takes it like a key file), issued in full.</summary>
    private static byte[] CredentialFileText()
    {
        var voter = FuzzFixture.Voters[0];
        var issuer = new CredentialIssuerPart(HexInput.Format(FuzzFixture.Authority.PublicKey), new string('a', 64), "00ff",
            Signature: new string('b', 128));
        var content = new CredentialFileJson(CredentialFile.Type, HexInput.Format(voter.PublicKey), HexInput.Format(voter.ExportSeed()),
            FuzzFixture.ChainId, FuzzFixture.ElectionId, 1, [issuer]);
        return Written(path => new CredentialFile(content).Update(content, path));
    }

    /// <summary>What a writer of the product puts in a file, read back.</summary>
    private static byte[] Written(Action<string> write)
    {
        var folder = Directory.CreateTempSubdirectory("votechain-fuzz-seed-");
        try
        {
            var path = Path.Combine(folder.FullName, "seed");
            write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
