using System.Text.Json;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Genesis;

namespace VoteChain.Integration.Tests.Cli;

/// <summary>
/// governance propose, approve and list, and the validator set in status, against four real validators: a validator
/// added by a quorum's approvals is listed approved with its activation height, status shows it pending and then in
/// force; a key not in force, bad hex and missing options are refused in one line.
/// </summary>
public sealed class GovernanceCommandTests
{
    private CliHarness _cli = null!;

    [OneTimeSetUp]
    public async Task StartNodes() => _cli = await CliHarness.StartAsync(validators: 4);

    [OneTimeTearDown]
    public async Task StopNodes() => await _cli.DisposeAsync();

    [Test]
    public async Task A_validator_added_by_a_quorum_is_listed_approved_and_status_shows_it_pending_then_in_force()
    {
        var (_, newcomer) = _cli.NewVoter();
        var newcomerHex = Convert.ToHexStringLower(newcomer);
        var proposed = await Ok("governance", "propose", "add-validator", "--name", "node4", "--public-key", newcomerHex,
            "--endpoint", "http://127.0.0.1:9", "--reason", "a fifth site", "--key", _cli.ValidatorKey(0), "--wait", "--json");
        var id = proposed.Json.GetProperty("proposal_id").GetString()!;
        Assert.That(id, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(proposed.Json.GetProperty("tx_id").GetString(), Is.EqualTo(id), "a proposal's id is its transaction's");
        var open = proposed.Json.GetProperty("proposal");
        Assert.That(open.GetProperty("status").GetString(), Is.EqualTo("open"));
        Assert.That((open.GetProperty("counted_approvals").GetUInt32(), open.GetProperty("needed_approvals").GetUInt32()), Is.EqualTo((1u, 3u)));

        var second = await Ok("governance", "approve", "--id", id, "--key", _cli.ValidatorKey(1), "--wait");
        Assert.That(second.Out, Does.Contain($"approval of proposal {id} submitted in tx").And.Contain("open: 2 of 3 approvals counted"));

        var third = (await Ok("governance", "approve", "--id", id, "--key", _cli.ValidatorKey(2), "--wait", "--json")).Json.GetProperty("proposal");
        Assert.That(third.GetProperty("status").GetString(), Is.EqualTo("approved"));
        var approvedAt = third.GetProperty("approved_height").GetUInt64();
        var activation = third.GetProperty("activation_height").GetUInt64();
        Assert.That(activation, Is.EqualTo(approvedAt + 3));

        var listed = Listed((await Ok("governance", "list", "--json")).Json, id);
        Assert.That(listed.GetProperty("status").GetString(), Is.EqualTo("approved"));
        Assert.That(listed.GetProperty("activation_height").GetUInt64(), Is.EqualTo(activation));
        Assert.That(listed.GetProperty("approvals").GetArrayLength(), Is.EqualTo(3));
        Assert.That((listed.GetProperty("counted_approvals").GetUInt32(), listed.GetProperty("needed_approvals").GetUInt32()), Is.EqualTo((3u, 3u)));
        Assert.That(listed.GetProperty("proposer_name").GetString(), Is.EqualTo("node0"));
        Assert.That(listed.GetProperty("reason").GetString(), Is.EqualTo("a fifth site"));
        var change = listed.GetProperty("change");
        Assert.That(change.GetProperty("kind").GetString(), Is.EqualTo("add_validator"));
        Assert.That(change.GetProperty("validator").GetProperty("public_key").GetString(), Is.EqualTo(newcomerHex));
        Assert.That(change.GetProperty("summary").GetString(), Does.StartWith("add validator node4"));
        var table = await Ok("governance", "list");
        Assert.That(table.Out, Does.Match($@"{id}\s+approved\s+3/3\s+{activation}\s+node0\s+add validator node4"));

        var pending = await Ok("status");
        Assert.That(pending.Out, Does.Contain("validators:   4 in force from height 1 (f = 1, quorum 3)")
            .And.Contain($"pending:      from height {activation}: add validator node4").And.Contain("(5 validators from then)"));
        var pendingJson = (await Ok("status", "--json")).Json;
        Assert.That(pendingJson.GetProperty("pending_change").GetProperty("activation_height").GetUInt64(), Is.EqualTo(activation));
        Assert.That(pendingJson.GetProperty("pending_change").GetProperty("validators").GetArrayLength(), Is.EqualTo(5));

        // The chain makes blocks only for transactions: elections carry it past the activation height.
        for (var n = 0; n < 10 && (await Ok("status", "--json")).Json.GetProperty("height").GetUInt64() < activation; n++)
        {
            await _cli.CreateElectionAsync($"tick-{n}");
        }

        var after = await Ok("status");
        Assert.That(after.Out, Does.Contain($"validators:   5 in force from height {activation} (f = 1, quorum 4)")
            .And.Contain("pending:      no change").And.Contain(newcomerHex));
        var validators = (await Ok("status", "--json")).Json.GetProperty("validators");
        Assert.That(validators.GetProperty("members").EnumerateArray().Select(v => v.GetProperty("name").GetString()),
            Is.EqualTo(new[] { "node0", "node1", "node2", "node3", "node4" }));
        Assert.That(Listed((await Ok("governance", "list", "--json")).Json, id).GetProperty("status").GetString(), Is.EqualTo("in force"));
    }

    [Test]
    public async Task A_params_proposal_keeps_the_values_in_force_that_it_does_not_name()
    {
        var proposed = await Ok("governance", "propose", "params", "--propose-timeout-ms", "1500", "--key", _cli.ValidatorKey(3), "--wait", "--json");
        var proposal = proposed.Json.GetProperty("proposal");
        Assert.That(proposal.GetProperty("status").GetString(), Is.EqualTo("open"));
        var parameters = proposal.GetProperty("change").GetProperty("params");
        var genesis = GenesisDefaults.Params();
        Assert.That(parameters.GetProperty("propose_timeout_ms").GetUInt32(), Is.EqualTo(1500));
        Assert.That(parameters.GetProperty("block_interval_ms").GetUInt32(), Is.Zero, "the test network's genesis makes no empty blocks");
        Assert.That(parameters.GetProperty("max_clock_drift_ms").GetUInt32(), Is.EqualTo(genesis.MaxClockDriftMs));
        Assert.That(parameters.GetProperty("max_block_txs").GetUInt32(), Is.EqualTo(genesis.MaxBlockTxs));
        Assert.That(parameters.GetProperty("max_block_bytes").GetUInt32(), Is.EqualTo(genesis.MaxBlockBytes));
    }

    [Test]
    public async Task A_key_not_in_force_gets_the_nodes_NOT_VALIDATOR_refusal_in_one_line()
    {
        var (stranger, _) = _cli.NewVoter();
        var anyId = Convert.ToHexStringLower(Hashing.Sha256("no such proposal"u8));
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "approve", "--id", anyId, "--key", stranger), "NOT_VALIDATOR");

        var (_, authority) = _cli.NewVoter();
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "propose", "add-authority",
            "--public-key", Convert.ToHexStringLower(authority), "--key", _cli.AuthorityKey), "NOT_VALIDATOR");
    }

    [Test]
    public async Task Bad_values_are_one_line_errors_and_bad_usage_exits_2()
    {
        var key = _cli.ValidatorKey(0);
        var (_, some) = _cli.NewVoter();
        var someHex = Convert.ToHexStringLower(some);
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "approve", "--id", "xyz", "--key", key), "--id is not valid hex");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "approve", "--id", "abcd", "--key", key), "--id must be 32 bytes");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "propose", "rotate-validator", "--old-key", "zz",
            "--new-key", someHex, "--key", key), "--old-key is not valid hex");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "propose", "add-authority", "--public-key", someHex,
            "--reason", new string('x', 257), "--key", key), "--reason is 257 bytes");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "propose", "remove-validator", "--public-key", someHex,
            "--public-key", Convert.ToHexStringLower(_cli.NewVoter().PublicKey), "--evidence", new string('a', 64), "--key", key),
            "exactly one --public-key");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "propose", "remove-validator", "--public-key", someHex,
            "--evidence", new string('a', 64), "--key", key), "holds no evidence");
        ChainCommandTests.AssertOneLineError(await _cli.RunAsync("governance", "list", "--limit", "0"), "--limit must be from 1 to 1000");

        Assert.That((await _cli.RunAsync("governance", "propose", "add-validator", "--name", "x", "--public-key", someHex, "--key", key)).Code,
            Is.EqualTo(2), "--endpoint is required");
        var noParams = await _cli.RunAsync("governance", "propose", "params", "--key", key);
        Assert.That(noParams.Code, Is.EqualTo(2), noParams.ToString());
        Assert.That(noParams.Err, Does.Contain("name at least one parameter"));
    }

    private async Task<CliResult> Ok(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.That(result.Code, Is.Zero, result.ToString());
        return result;
    }

    private static JsonElement Listed(JsonElement list, string id)
    {
        Assert.That(list.GetProperty("height").GetUInt64(), Is.Positive);
        Assert.That(list.GetProperty("total").GetUInt64(), Is.GreaterThanOrEqualTo((ulong)list.GetProperty("proposals").GetArrayLength()));
        return list.GetProperty("proposals").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
    }
}
