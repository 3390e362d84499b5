using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Crypto;
using VoteChain.Consensus.State;
using VoteChain.Consensus.Transactions;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// An anonymous election's issuing (the poll book: an issuer served a roll entry) and registering (a fresh credential
/// with every issuer's blind signature). Together they keep the one guarantee that makes blind issuing safe: for each
/// weight, never more anonymous credentials than roll entries every issuer served (docs/ANONYMITY.md).
/// </summary>
internal static class AnonymousRules
{
    public const int RequestHashSize = Hashing.HashSize;

    private static long _signatureChecks;

    /// <summary>Registrations whose issuer signatures were verified in this process (a memo hit runs none): for tests.</summary>
    internal static long SignatureChecks => Interlocked.Read(ref _signatureChecks);

    public static Rejection? Served(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var served = tx.Payload.CredentialServed;
        var rejection = Anonymous(state, served.ElectionId, block, out var election, out var settings);
        if (rejection is not null)
        {
            return rejection;
        }

        var issuer = AnonymousElection.IssuerIndex(settings, tx.Signer);
        if (issuer < 0)
        {
            return new Rejection(RejectCode.NotIssuer,
                $"Key {CommonChecks.Short(tx.Signer)} is not an issuer of election '{served.ElectionId}'.");
        }

        if (!AnonymousElection.RollOpen(settings, block.TimeUnixMs))
        {
            return new Rejection(RejectCode.PhaseOver, $"Issuing credentials for election '{served.ElectionId}' has closed.");
        }

        if (served.RequestHash.Length != RequestHashSize || served.RequestSignature.Length != Ed25519.SignatureSize)
        {
            return new Rejection(RejectCode.Malformed,
                $"A poll book entry holds a {RequestHashSize}-byte request hash and a {Ed25519.SignatureSize}-byte request signature.");
        }

        var identity = served.Identity.Span;
        var entry = state.GetCredential(served.ElectionId, identity);
        if (entry is not { Roll: true })
        {
            return new Rejection(RejectCode.NotRegistered,
                $"Identity {CommonChecks.Short(identity)} is not on the roll of election '{served.ElectionId}'.");
        }

        if (entry.Revoked)
        {
            return new Rejection(RejectCode.CredentialRevoked, $"Roll entry {CommonChecks.Short(identity)} has been revoked.");
        }

        if (!entry.ServedRequests[issuer].IsEmpty)
        {
            return new Rejection(RejectCode.AlreadyServed,
                $"Issuer {issuer + 1} already served roll entry {CommonChecks.Short(identity)} in election '{served.ElectionId}'.");
        }

        var issuance = state.GetIssuance(served.ElectionId, entry.Weight)?.Clone() ?? NewIssuance(settings, entry.Weight);
        var pinning = issuance.IssuerKeys[issuer].IsEmpty;
        rejection = WeightKey(state, chain, issuance, issuer, served, tx.Signer);
        if (rejection is not null)
        {
            return rejection;
        }

        var request = AnonymousSigning.Request(chain.ChainId, served.ElectionId, tx.Signer, served.WeightKey.Span, served.RequestHash.Span);
        if (!Ed25519.Verify(identity, request, served.RequestSignature.Span))
        {
            return new Rejection(RejectCode.BadProof,
                $"The request signature does not verify under roll entry {CommonChecks.Short(identity)}: the voter did not ask for this.");
        }

        var marked = entry.Clone();
        marked.ServedRequests[issuer] = served.RequestHash;
        state.PutCredential(served.ElectionId, identity, marked);
        if (pinning)
        {
            state.PutIssuerKey(served.WeightKey.Span,
                new IssuerKeyRecord { ElectionId = served.ElectionId, Weight = entry.Weight, Issuer = (uint)issuer });
        }

        issuance.IssuerKeys[issuer] = served.WeightKey;
        if (AnonymousElection.ServedByAll(marked))
        {
            issuance.Served = checked(issuance.Served + 1);
        }

        state.PutIssuance(served.ElectionId, issuance);
        return null;
    }

    public static Rejection? Register(StateOverlay state, RuleContext chain, BlockContext block, VerifiedTx tx)
    {
        var register = tx.Payload.RegisterAnonymous;
        var rejection = Anonymous(state, register.ElectionId, block, out _, out var settings);
        if (rejection is not null)
        {
            return rejection;
        }

        if (block.TimeUnixMs < settings.RegistrationOpensAtUnixMs)
        {
            return new Rejection(RejectCode.PhaseNotOpen,
                $"Registering anonymous credentials for election '{register.ElectionId}' has not opened yet.");
        }

        var weight = VoterWeight.Effective(register.Weight);
        if (weight > chain.WeightLimit)
        {
            return new Rejection(RejectCode.BadWeight, $"Weight {weight} is above the largest weight, {chain.WeightLimit}.");
        }

        if (!WellShaped(register, settings))
        {
            return new Rejection(RejectCode.Malformed,
                $"Election '{register.ElectionId}' takes {settings.Issuers.Count} issuer signatures, each a {AnonymousSigning.PrefixSize}-byte prefix " +
                $"and {IssuerKeyCheck.SignatureSize} bytes.");
        }

        if (state.GetCredential(register.ElectionId, tx.Signer) is not null)
        {
            return new Rejection(RejectCode.AlreadyRegistered,
                $"Credential {CommonChecks.Short(tx.Signer)} is already registered in election '{register.ElectionId}'.");
        }

        var issuance = state.GetIssuance(register.ElectionId, weight);
        if (issuance is null || issuance.IssuerKeys.Any(k => k.IsEmpty) || issuance.Registered >= issuance.Served)
        {
            return new Rejection(RejectCode.NotServed,
                $"Election '{register.ElectionId}' has no roll entry of weight {weight} left that every issuer served " +
                $"({issuance?.Served ?? 0} served, {issuance?.Registered ?? 0} registered).");
        }

        // Last, as the dearest check (some 50 to 100 µs per issuer): everything cheaper has passed.
        rejection = IssuerSignatures(chain, tx, issuance);
        if (rejection is not null)
        {
            return rejection;
        }

        state.PutCredential(register.ElectionId, tx.Signer,
            new CredentialRecord { Weight = weight, Anonymous = true, RegisteredHeight = block.Height });
        var counted = issuance.Clone();
        counted.Registered = checked(counted.Registered + 1);
        state.PutIssuance(register.ElectionId, counted);
        return null;
    }

    /// <summary>
    /// Every issuer's signature over the credential message, against its pinned key for the weight; shared with
    /// <see cref="ProofPreparation"/>, which runs it on every core outside the mempool's lock. A verdict is remembered on
    /// the transaction for the keys it was reached with (see <see cref="VerifiedTx"/>), so the rules do not verify twice.
    /// </summary>
    internal static Rejection? IssuerSignatures(RuleContext chain, VerifiedTx tx, IssuanceRecord issuance)
    {
        var register = tx.Payload.RegisterAnonymous;
        var statement = new IssuerSignatureStatement(chain.ChainId, register.ElectionId, issuance.Weight,
            string.Join(",", issuance.IssuerKeys.Select(k => k.ToBase64())));
        if (!tx.ProofHolds(statement) && (tx.ProofFailed(statement) || !SignaturesHold(chain, tx, issuance, statement)))
        {
            return new Rejection(RejectCode.BadProof,
                $"The issuers' signatures do not verify for this credential at weight {issuance.Weight}.");
        }

        return null;
    }

    private static bool SignaturesHold(RuleContext chain, VerifiedTx tx, IssuanceRecord issuance, IssuerSignatureStatement statement)
    {
        Interlocked.Increment(ref _signatureChecks);
        var register = tx.Payload.RegisterAnonymous;
        var message = AnonymousSigning.CredentialMessage(chain.ChainId, register.ElectionId, issuance.Weight, tx.Signer);
        for (var i = 0; i < issuance.IssuerKeys.Count; i++)
        {
            var signature = register.Signatures[i];
            if (!IssuerKeyCheck.Verify(issuance.IssuerKeys[i].Span, AnonymousSigning.Prepared(signature.Prefix.Span, message),
                    signature.Signature.Span))
            {
                tx.RememberProofFailure(statement);
                return false;
            }
        }

        tx.RememberProof(statement);
        return true;
    }

    /// <summary>
    /// The issuer signatures of a registration checked against committed state, ahead of the rules, when everything
    /// cheaper would pass there; what does not is left to the rules.
    /// </summary>
    internal static void Prepare(IStateReader committed, RuleContext chain, VerifiedTx tx)
    {
        var register = tx.Payload.RegisterAnonymous;
        if (!ElectionIds.IsValid(register.ElectionId) || committed.GetElection(register.ElectionId)?.Anonymous is not { } settings
            || !WellShaped(register, settings)
            || committed.GetCredential(register.ElectionId, tx.Signer) is not null
            || committed.GetIssuance(register.ElectionId, VoterWeight.Effective(register.Weight)) is not { } issuance
            || issuance.IssuerKeys.Any(k => k.IsEmpty) || issuance.Registered >= issuance.Served)
        {
            return;
        }

        _ = IssuerSignatures(chain, tx, issuance);
    }

    /// <summary>One signature per issuer, each a prefix and a signature of the fixed sizes.</summary>
    private static bool WellShaped(RegisterAnonymousCredential register, AnonymousSettings settings) =>
        register.Signatures.Count == settings.Issuers.Count
        && register.Signatures.All(s => s.Prefix.Length == AnonymousSigning.PrefixSize && s.Signature.Length == IssuerKeyCheck.SignatureSize);

    /// <summary>Everything an issuer-signature verdict depends on besides the transaction: value-equal, for the memo.</summary>
    private sealed record IssuerSignatureStatement(string ChainId, string ElectionId, ulong Weight, string Keys);

    /// <summary>An existing, anonymous election that has not closed.</summary>
    private static Rejection? Anonymous(IStateReader state, string electionId, BlockContext block, out ElectionRecord election,
        out AnonymousSettings settings)
    {
        settings = null!;
        var rejection = CommonChecks.Election(state, electionId, out election)
            ?? CommonChecks.NotClosed(election, block);
        if (rejection is not null)
        {
            return rejection;
        }

        settings = election.Anonymous;
        return settings is null
            ? new Rejection(RejectCode.NotAnonymous, $"Election '{electionId}' is not anonymous: its authority registers the voters' keys.")
            : null;
    }

    /// <summary>
    /// The issuer's key for this weight. The first poll book entry of the weight pins it, and every later one must name
    /// the same key, so an issuer cannot mark out a voter with a key of their own. A key is pinned once on the whole
    /// chain (a key used for two weights or elections would let a signature made for one pass for the other, and the
    /// issuer cannot read the weight it signs), only with the key's own signature over this issuer, election and weight,
    /// so no one can pin another issuer's key before it, and only with the proof that the key blinds perfectly
    /// (<see cref="IssuerKeyProof"/>). The rejections stay final: a pin is never undone.
    /// </summary>
    private static Rejection? WeightKey(IStateReader state, RuleContext chain, IssuanceRecord issuance, int issuer,
        CredentialServed served, byte[] issuerKey)
    {
        var pinned = issuance.IssuerKeys[issuer];
        if (!pinned.IsEmpty)
        {
            return pinned.Equals(served.WeightKey)
                ? null
                : new Rejection(RejectCode.BadPublicKey,
                    $"Issuer {issuer + 1} already uses another key for weight {issuance.Weight} in election '{served.ElectionId}'.");
        }

        var weightKey = served.WeightKey.Span;
        if (IssuerKeyCheck.Problem(weightKey) is { } problem)
        {
            return new Rejection(RejectCode.BadPublicKey, $"The issuer's key for weight {issuance.Weight}: {problem}");
        }

        if (state.GetIssuerKey(weightKey) is { } use)
        {
            return new Rejection(RejectCode.BadPublicKey,
                $"This issuer key is already in use (election '{use.ElectionId}', weight {use.Weight}, issuer {use.Issuer + 1}); " +
                "an issuer key serves one weight of one election.");
        }

        var proof = AnonymousSigning.WeightKeyProof(chain.ChainId, served.ElectionId, issuerKey, issuance.Weight);
        if (!IssuerKeyCheck.Verify(weightKey, proof, served.WeightKeyProof.Span))
        {
            return new Rejection(RejectCode.BadProof,
                $"The weight key's proof does not verify: issuer {issuer + 1} did not show it holds this key for weight {issuance.Weight}.");
        }

        // A key whose e-th power map is not a permutation would let its issuer tell blinded requests apart.
        return IssuerKeyProof.Problem(weightKey, served.WeightKeyValidity.Span) is { } invalid
            ? new Rejection(RejectCode.BadProof, $"The weight key of issuer {issuer + 1} is not shown to hide what it signs: {invalid}")
            : null;
    }

    private static IssuanceRecord NewIssuance(AnonymousSettings settings, ulong weight)
    {
        var issuance = new IssuanceRecord { Weight = weight };
        issuance.IssuerKeys.AddRange(AnonymousElection.NoneServed(settings));
        return issuance;
    }
}
