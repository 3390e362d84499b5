using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Secret;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>CreateElection: an authority opens a new election with its options and its voting window.</summary>
internal static class ElectionRules
{
    public const int MinOptions = 2;
    public const int MaxOptions = 256;
    public const int MaxTitleLength = 256;
    public const int MaxOptionLength = 128;

    public static Rejection? Apply(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var create = tx.Payload.CreateElection;
        if (CommonChecks.Authority(state, chain, block, tx, "create an election") is { } notAuthority)
        {
            return notAuthority;
        }

        if (Validate(create, block) is { } invalid)
        {
            return invalid;
        }

        if (create.AllowDelegation && create.Secret is not null)
        {
            return new Rejection(RejectCode.InvalidElection,
                "A secret election cannot allow delegation: each encrypted ballot is proven to carry exactly its own voter's " +
                "weight, so a proxy's ballot cannot carry its holders' weight too.");
        }

        SecretBallotSettings? secret = null;
        if (create.Secret is not null
            && SecretSettings.TryResolve(create.Secret, create.Options.Count, chain.ValidatorTrusteeKeys, out secret) is { } problem)
        {
            return new Rejection(RejectCode.InvalidElection, problem);
        }

        if (secret is not null && create.ClosesAtUnixMs <= block.TimeUnixMs + 3L * secret.KeyPhaseSeconds * 1000)
        {
            return new Rejection(RejectCode.InvalidElection,
                $"A secret election must close after its key generation can end: three phases of {secret.KeyPhaseSeconds} s from now.");
        }

        AnonymousSettings? anonymous = null;
        if (create.Anonymous is not null
            && AnonymousElection.TryResolve(create.Anonymous, create, block.TimeUnixMs, out anonymous) is { } anonymousProblem)
        {
            return new Rejection(RejectCode.InvalidElection, anonymousProblem);
        }

        if (state.GetElection(create.ElectionId) is not null)
        {
            return new Rejection(RejectCode.ElectionExists, $"An election with id '{create.ElectionId}' already exists.");
        }

        state.PutElection(create.ElectionId, new ElectionRecord
        {
            Definition = create,
            Creator = ByteString.CopyFrom(tx.Signer),
            CreatedHeight = block.Height,
            CreatedTx = ByteString.CopyFrom(tx.Id),
            Secret = secret,
            Anonymous = anonymous,
            // Key generation and issuing phases count from here; left 0 for other elections so their records (and the
            // state roots of chains made before secret ballots) stay as they were.
            CreatedAtUnixMs = secret is null && anonymous is null ? 0 : block.TimeUnixMs,
        });
        var tally = new TallyRecord();
        tally.OptionWeights.AddRange(new ulong[create.Options.Count]);
        if (secret is not null)
        {
            // The encrypted sums start at the zero ciphertext (identity, identity): the tally of no ballots.
            tally.Secret = true;
            tally.OptionCiphertexts.AddRange(Enumerable.Range(0, create.Options.Count)
                .Select(_ => ByteString.CopyFrom(Ballots.Ciphertext.Zero.ToArray())));
        }

        state.PutTally(create.ElectionId, tally);
        return null;
    }

    private static Rejection? Validate(CreateElection create, BlockContext block)
    {
        string? problem = null;
        if (!ElectionIds.IsValid(create.ElectionId))
        {
            problem = "The election id must be 1 to 64 characters of letters, digits, '.', '_' or '-'.";
        }
        else if (string.IsNullOrWhiteSpace(create.Title) || create.Title.Length > MaxTitleLength)
        {
            problem = $"The election title must be 1 to {MaxTitleLength} characters.";
        }
        else if (create.Options.Count is < MinOptions or > MaxOptions)
        {
            problem = $"An election has {MinOptions} to {MaxOptions} options, not {create.Options.Count}.";
        }
        else if (create.Options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > MaxOptionLength))
        {
            problem = $"Every option must be 1 to {MaxOptionLength} characters.";
        }
        else if (create.Options.Distinct(StringComparer.Ordinal).Count() != create.Options.Count)
        {
            problem = "The options must be distinct.";
        }
        else if (create.ClosesAtUnixMs <= create.OpensAtUnixMs)
        {
            problem = "The election must close after it opens.";
        }
        else if (create.ClosesAtUnixMs <= block.TimeUnixMs)
        {
            problem = "The election's closing time has already passed.";
        }

        return problem is null ? null : new Rejection(RejectCode.InvalidElection, problem);
    }
}
