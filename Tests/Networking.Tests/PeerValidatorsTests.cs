using Google.Protobuf;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.Pbft;
using VoteChain.Integration.Tests;
using VoteChain.Networking.Peers;
using VoteChain.Networking.Tests.Support;
using VoteChain.Protos.V1;

namespace VoteChain.Networking.Tests;

/// <summary>
/// Who gossip treats as a validator while the set changes: the set in force at the node's next height and any set
/// approved to follow it, so a joining or rotated key is heard before its first height, and a removed one is not after.
/// </summary>
public sealed class PeerValidatorsTests
{
    [Test]
    public void A_key_counts_from_its_sets_approval_until_its_removal_takes_effect()
    {
        var keys = Enumerable.Range(0, 6).Select(_ => Ed25519KeyPair.Generate()).ToList();
        try
        {
            byte[] Key(int i) => keys[i].PublicKey;
            var schedule = new ValidatorSchedule(new ValidatorSet([Key(0), Key(1), Key(2), Key(3)]));
            var next = 5UL;
            var validators = new PeerValidators(schedule, () => next);
            Assert.That(validators.SlotOf(Key(2)), Is.EqualTo(2));
            Assert.That(validators.IsValidator(Key(4)), Is.False, "a stranger before any change");

            // Approved at 6, in force from 9: key 4 joins, key 3 leaves.
            schedule.Add(Change(9, Key(0), Key(1), Key(2), Key(4)));
            next = 7;
            Assert.That(validators.SlotOf(Key(4)), Is.EqualTo(3), "a joining key is a validator's from its approval");
            Assert.That(validators.IsValidator(Key(3)), Is.True, "a leaving key still serves until the change takes effect");

            next = 9;
            Assert.That(validators.IsValidator(Key(3)), Is.False, "a removed key is a stranger's once the change is in force");
            Assert.That(validators.SlotOf(Key(4)), Is.EqualTo(3));
            Assert.That(validators.IsValidator(Key(5)), Is.False);
            Assert.That(Enumerable.Range(0, 5).Select(i => validators.SlotOf(Key(i)) ?? -1).Max(), Is.LessThan(PeerValidators.MaxSlots));
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }
    }

    [Test]
    public void A_fixed_set_is_the_genesis_set_for_good()
    {
        using var member = Ed25519KeyPair.Generate();
        using var other = Ed25519KeyPair.Generate();
        var validators = PeerValidators.Fixed(new ValidatorSet([member.PublicKey]));
        Assert.That(validators.SlotOf(member.PublicKey), Is.Zero);
        Assert.That(validators.SlotOf(other.PublicKey), Is.Null);
    }

    [Test]
    public async Task A_stream_opened_before_its_keys_set_was_approved_carries_consensus_messages_once_it_is()
    {
        var folder = Path.Combine(Path.GetTempPath(), "votechain-peer-tests", Guid.NewGuid().ToString("N"));
        using var chain = new ApiChain(folder);
        try
        {
            var joining = chain.Key(42);
            var schedule = new ValidatorSchedule(chain.Validators);
            await using var host = await PeerHost.StartAsync(chain, TimeProvider.System, validators: new PeerValidators(schedule, () => 2));
            using var call = host.Client.Gossip(deadline: DateTime.UtcNow.AddSeconds(20));
            var self = new LocalPeer(joining, ApiChain.ChainId, ApiChain.GenesisHash, "joining", "http://127.0.0.1:4");
            await ClientHandshake.RunAsync(call, self, () => ConnectionBinding.None, chain.Validator.PublicKey, CancellationToken.None);

            // A stranger's consensus message is dropped: the transaction after it shows the stream was read past it.
            await call.RequestStream.WriteAsync(new PeerMessage { Consensus = new ConsensusMessage() });
            await call.RequestStream.WriteAsync(new PeerMessage { Transaction = ByteString.CopyFrom(new byte[32]) });
            await Eventually.HoldsAsync(() => Task.FromResult(host.Inbox.Received.Any(r => r.Message is byte[])), TimeSpan.FromSeconds(10),
                () => "the stranger's transaction");
            Assert.That(host.Inbox.Received.Any(r => r.Message is ConsensusMessage), Is.False);

            // Governance approves a set with its key (in force from height 5): the same stream now carries its messages.
            schedule.Add(Change(5, [.. Enumerable.Range(0, chain.Validators.Count).Select(i => chain.Validators.PublicKey(i).ToArray()), joining.PublicKey]));
            await call.RequestStream.WriteAsync(new PeerMessage { Consensus = new ConsensusMessage() });
            await Eventually.HoldsAsync(() => Task.FromResult(host.Inbox.Received.Any(r => r.Message is ConsensusMessage)), TimeSpan.FromSeconds(10),
                () => "the joining validator's consensus message");
            await call.RequestStream.CompleteAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ValidatorChange Change(ulong activation, params byte[][] keys)
    {
        var change = new ValidatorChange { ActivationHeight = activation };
        change.PublicKeys.AddRange(keys.Select(ByteString.CopyFrom));
        return change;
    }
}
