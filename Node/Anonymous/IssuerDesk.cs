using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// What an issuer does for one request, in the order that keeps it safe: check the election, the roll entry and the
/// voter's signed request against the chain (cheap, so a stranger costs no RSA work); refuse a second, different request
/// for an entry its own log says it signed for, whatever the node says; post the poll book entry and wait until it is
/// committed (the chain guarantees one service per roll entry, even across restarts or several copies of the service)
/// and every other issuer's entry too; log it; only then sign blindly. A voter who lost the answer asks again with the
/// same blinded message and gets the same signature; a different one is ALREADY_SERVED.
/// The issuer trusts its node to say what is committed: run it against a node you run (docs/ANONYMITY.md).
/// </summary>
internal sealed class IssuerDesk : IDisposable
{
    public static readonly TimeSpan DefaultServeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommitPoll = TimeSpan.FromMilliseconds(250);

    // Answers kept for repeated requests (a lost answer asked again), so a roll member replaying a request costs a
    // lookup, not an RSA operation; bounded, the oldest leaving first.
    private const int AnswerCacheLimit = 10_000;

    private readonly Ed25519KeyPair _key;
    private readonly NodeSession _node;
    private readonly IssuerLog _log;
    private readonly TimeSpan _serveTimeout;
    private readonly ConcurrentDictionary<(string Election, ulong Weight), Lazy<IssuerWeightKey>> _weightKeys = new();
    private readonly Lock _derivation = new();
    private readonly ConcurrentDictionary<string, byte> _inProgress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _answerOrder = new();
    private readonly ConcurrentDictionary<(string Election, ulong Weight), Lazy<(ByteString Possession, ByteString Validity)>> _keyProofs = new();
    private readonly Networking.Api.ReceiptVerifier? _receipts;

    /// <param name="serveTimeout">How long a request waits for every issuer's poll book entry before it is refused (the voter asks again).</param>
    /// <param name="receipts">
    /// With the genesis validators: the issuer's own entry must come with a receipt they certified before it signs, so
    /// its node cannot make it sign for an entry that is not on chain. Null: the node is trusted to say so.
    /// </param>
    public IssuerDesk(Ed25519KeyPair key, NodeSession node, IssuerLog log, TimeSpan? serveTimeout = null,
        Networking.Api.ReceiptVerifier? receipts = null)
    {
        _key = key;
        _node = node;
        _log = log;
        _serveTimeout = serveTimeout ?? DefaultServeTimeout;
        _receipts = receipts;
        ChainId = node.ChainId;
    }

    public string ChainId { get; }

    public IssuerInfo Info() => new(ChainId, HexInput.Format(_key.PublicKey));

    /// <summary>The key for the roll entry's weight; only while issuing is open, or for an entry this issuer already served.</summary>
    public WeightKeyResponse WeightKey(WeightKeyRequest request)
    {
        var (election, issuer) = Election(request.ElectionId);
        var entry = RollEntry(election, Hex(request.Identity, "identity", Ed25519.PublicKeySize));
        if (entry.ServedRequests[issuer].IsEmpty)
        {
            IssuingOpen(election);
        }

        return new WeightKeyResponse(entry.Weight, HexInput.Format(KeyFor(election, entry.Weight).PublicKeyDer));
    }

    public async Task<SignResponse> SignAsync(SignRequest request, CancellationToken cancellation)
    {
        var (election, issuer) = Election(request.ElectionId);
        var identity = Hex(request.Identity, "identity", Ed25519.PublicKeySize);
        var blinded = Hex(request.BlindedMessage, "blinded_message", IssuerKeyCheck.SignatureSize);
        var signature = Hex(request.RequestSignature, "request_signature", Ed25519.SignatureSize);
        var id = election.Definition.ElectionId;
        var entry = RollEntry(election, identity);

        // One request per roll entry at a time, refused rather than queued so no one holds a slot waiting; keyed only
        // once the entry is known to be on the roll, so strangers add nothing here.
        var identityHex = HexInput.Format(identity);
        var busyKey = $"{id}\0{identityHex}";
        if (!_inProgress.TryAdd(busyKey, 0))
        {
            throw IssuerRefusal.Rule("IN_PROGRESS", "a request for this roll entry is already in progress; ask again when it has ended");
        }

        try
        {
            var requestHash = Hashing.Sha256(blinded);
            var requestHex = HexInput.Format(requestHash);
            if (_log.Signed(id, identityHex) is { } signedBefore && signedBefore != requestHex)
            {
                throw IssuerRefusal.Rule("ALREADY_SERVED", "this issuer already signed another request of this roll entry");
            }

            var served = entry.ServedRequests[issuer];
            if (!served.IsEmpty && !served.Span.SequenceEqual(requestHash))
            {
                throw IssuerRefusal.Rule("ALREADY_SERVED", "this issuer already served this roll entry with another request");
            }

            var repeat = !served.IsEmpty;
            if (!repeat)
            {
                IssuingOpen(election);
            }

            var weightKey = KeyFor(election, entry.Weight);
            var signed = AnonymousSigning.Request(ChainId, id, _key.PublicKey, weightKey.PublicKeyDer, requestHash);
            if (!Ed25519.Verify(identity, signed, signature))
            {
                throw IssuerRefusal.Rule("BAD_PROOF", "the request signature does not verify under this identity (or was made for another issuer, key or message)");
            }

            // Checked before the poll book entry, which cannot be taken back: a value the issuer could not sign would
            // leave the voter served and without a signature.
            if (new Org.BouncyCastle.Math.BigInteger(1, blinded).CompareTo(weightKey.PrivateKey.Modulus) >= 0)
            {
                throw IssuerRefusal.BadRequest("blinded_message is not below the issuer's modulus");
            }

            var servedTx = repeat ? "" : Submit(election, issuer, identity, entry.Weight, weightKey, requestHash, signature);
            var height = await ServedByAllAsync(id, identity, issuer, requestHash, cancellation).ConfigureAwait(false);
            if (_receipts is not null)
            {
                servedTx = Certified(election, identity, entry.Weight, weightKey, requestHash, signature, servedTx);
            }

            if (_log.Signed(id, identityHex) is null)
            {
                _log.Served(new IssuerLogEntry(DateTimeOffset.UtcNow, id, identityHex, entry.Weight, requestHex, servedTx, height));
            }

            return new SignResponse(HexInput.Format(BlindSignature(busyKey + requestHex, weightKey, blinded)), servedTx, height);
        }
        finally
        {
            _inProgress.TryRemove(busyKey, out _);
        }
    }

    public void Dispose() => _inProgress.Clear();

    private (ElectionRecord Election, int Issuer) Election(string electionId)
    {
        if (string.IsNullOrEmpty(electionId) || electionId.Length > 64)
        {
            throw IssuerRefusal.BadRequest("election_id must be 1 to 64 characters");
        }

        var election = _node.FindElection(electionId)
            ?? throw IssuerRefusal.NotFound("UNKNOWN_ELECTION", "there is no such election on this chain");
        if (election.Anonymous is null)
        {
            throw IssuerRefusal.Rule("NOT_ANONYMOUS", "this election is not anonymous");
        }

        var issuer = AnonymousElection.IssuerIndex(election.Anonymous, _key.PublicKey);
        return issuer < 0
            ? throw IssuerRefusal.Rule("NOT_ISSUER", "this issuer is not an issuer of this election")
            : (election, issuer);
    }

    private CredentialRecord RollEntry(ElectionRecord election, byte[] identity)
    {
        var entry = _node.Voter(election.Definition.ElectionId, identity).Credential;
        if (entry is not { Roll: true } || entry.ServedRequests.Count != election.Anonymous.Issuers.Count)
        {
            throw IssuerRefusal.NotFound("NOT_REGISTERED", "this identity is not on the roll of this election");
        }

        return entry.Revoked
            ? throw IssuerRefusal.Rule("CREDENTIAL_REVOKED", "this roll entry has been revoked")
            : entry;
    }

    /// <summary>By this machine's clock (the chain judges by block time): no key derived, nothing posted, once issuing is over.</summary>
    private static void IssuingOpen(ElectionRecord election)
    {
        if (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= election.Anonymous.IssuingClosesAtUnixMs)
        {
            throw IssuerRefusal.Rule("PHASE_OVER", "issuing credentials for this election has closed");
        }
    }

    /// <summary>
    /// The key for one weight, derived once per process and one derivation at a time (each takes seconds of one core),
    /// and only for weights on the roll of an election naming this issuer.
    /// </summary>
    private IssuerWeightKey KeyFor(ElectionRecord election, ulong weight)
    {
        var id = election.Definition.ElectionId;
        return _weightKeys.GetOrAdd((id, weight), _ => new Lazy<IssuerWeightKey>(() =>
        {
            lock (_derivation)
            {
                var seed = _key.ExportSeed();
                try
                {
                    return IssuerWeightKey.Derive(seed, ChainId, id, weight);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
        })).Value;
    }

    /// <summary>
    /// Posts the poll book entry; returns its transaction id. The key's proofs go only into the entry that pins it (the
    /// 3 KB validity proof is sent once per weight). Every part is deterministic, so a retry posts the same bytes.
    /// </summary>
    private string Submit(ElectionRecord election, int issuer, byte[] identity, ulong weight, IssuerWeightKey weightKey,
        byte[] requestHash, byte[] signature)
    {
        var pinning = _node.Issuance(election.Definition.ElectionId, weight).Issuance?.IssuerKeys[issuer] is not { IsEmpty: false };
        var payload = Entry(election, identity, weight, weightKey, requestHash, signature, pinning);
        var envelope = _node.Sign(_key, payload);
        try
        {
            _node.Submit(_key, payload, "poll book entry");
        }
        catch (UserInputException e) when (e.Message.Contains("DUPLICATE_TRANSACTION", StringComparison.Ordinal)
            || e.Message.Contains("ALREADY_SERVED", StringComparison.Ordinal))
        {
            // An entry of this issuer for this roll entry is already in a block or a pool (posted before a restart, or
            // by a copy of this service): waiting for it shows whether it is this request's.
        }
        catch (UserInputException e)
        {
            throw new IssuerRefusal(502, "NODE_REFUSED", $"the node refused the poll book entry: {e.Message}");
        }

        return HexInput.Format(Hashing.Sha256(envelope));
    }

    private TxPayload Entry(ElectionRecord election, byte[] identity, ulong weight, IssuerWeightKey weightKey, byte[] requestHash,
        byte[] signature, bool withProofs)
    {
        var id = election.Definition.ElectionId;
        var served = new CredentialServed
        {
            ElectionId = id,
            Identity = ByteString.CopyFrom(identity),
            WeightKey = ByteString.CopyFrom(weightKey.PublicKeyDer),
            RequestHash = ByteString.CopyFrom(requestHash),
            RequestSignature = ByteString.CopyFrom(signature),
        };
        if (withProofs)
        {
            var (possession, validity) = _keyProofs.GetOrAdd((id, weight), _ => new Lazy<(ByteString, ByteString)>(() =>
                (ByteString.CopyFrom(weightKey.Prove(AnonymousSigning.WeightKeyProof(ChainId, id, _key.PublicKey, weight))),
                 ByteString.CopyFrom(IssuerKeyProver.Prove(weightKey.PrivateKey, weightKey.PublicKeyDer))))).Value;
            served.WeightKeyProof = possession;
            served.WeightKeyValidity = validity;
        }

        return new TxPayload { CredentialServed = served };
    }

    /// <summary>
    /// The id of this issuer's entry for the request, shown committed by a receipt the genesis validators certified.
    /// The entry is the one posted now, or (asked again) the one posted before, with or without the key's proofs.
    /// </summary>
    private string Certified(ElectionRecord election, byte[] identity, ulong weight, IssuerWeightKey weightKey, byte[] requestHash,
        byte[] signature, string posted)
    {
        var candidates = posted.Length > 0
            ? [Convert.FromHexString(posted)]
            : new[] { false, true }.Select(proofs => Hashing.Sha256(_node.Sign(_key, Entry(election, identity, weight, weightKey, requestHash, signature, proofs))));
        foreach (var txId in candidates)
        {
            if (_node.Receipt(txId) is { } receipt && receipt.TxId.Span.SequenceEqual(txId))
            {
                return _receipts!.Problem(receipt) is { } problem
                    ? throw new IssuerRefusal(502, "UNVERIFIED", $"the issuer's node gave a receipt for its poll book entry that does not verify ({problem}); nothing was signed")
                    : HexInput.Format(txId);
            }
        }

        throw new IssuerRefusal(502, "UNVERIFIED", "the node shows the entry served but has no receipt for it; nothing was signed");
    }

    /// <summary>
    /// Waits until this issuer's entry is committed and every other issuer's too. Signing earlier would let a roll
    /// entry that one issuer serves off the books (colluding with it) register with this issuer's real signature while
    /// uncounted, taking the place of a voter every issuer served (the count per weight is all the chain can check).
    /// </summary>
    private async Task<ulong> ServedByAllAsync(string electionId, byte[] identity, int issuer, byte[] requestHash,
        CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + _serveTimeout;
        while (true)
        {
            var entry = _node.Voter(electionId, identity).Credential;
            var served = entry is not null && issuer < entry.ServedRequests.Count ? entry.ServedRequests[issuer] : ByteString.Empty;
            if (!served.IsEmpty && !served.Span.SequenceEqual(requestHash))
            {
                throw IssuerRefusal.Rule("ALREADY_SERVED", "another request of this roll entry was served first");
            }

            if (entry is not null && !served.IsEmpty && AnonymousElection.ServedByAll(entry))
            {
                return _node.Status().Height;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new IssuerRefusal(504, served.IsEmpty ? "NOT_COMMITTED" : "WAITING_FOR_ISSUERS", served.IsEmpty
                    ? $"the poll book entry was not committed within {_serveTimeout.TotalSeconds:F0}s; ask again with the same request"
                    : $"this issuer signs once every issuer has served the roll entry, and after {_serveTimeout.TotalSeconds:F0}s some " +
                        "have not: ask every issuer (`credential request` does), then ask again with the same request");
            }

            await Task.Delay(CommitPoll, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The blind signature (deterministic for a key and message), from the cache when this request was answered before.</summary>
    private byte[] BlindSignature(string cacheKey, IssuerWeightKey weightKey, byte[] blinded)
    {
        if (_answers.TryGetValue(cacheKey, out var known))
        {
            return known;
        }

        var answer = BlindRsa.BlindSign(weightKey.PrivateKey, blinded);
        if (_answers.TryAdd(cacheKey, answer))
        {
            _answerOrder.Enqueue(cacheKey);
            while (_answers.Count > AnswerCacheLimit && _answerOrder.TryDequeue(out var oldest))
            {
                _answers.TryRemove(oldest, out _);
            }
        }

        return answer;
    }

    /// <summary>A request field in hex of exactly <paramref name="size"/> bytes (the body is already bounded), or BAD_REQUEST.</summary>
    private static byte[] Hex(string? text, string field, int size)
    {
        try
        {
            return HexInput.Parse(text ?? "", field, size);
        }
        catch (UserInputException e)
        {
            throw IssuerRefusal.BadRequest(e.Message);
        }
    }
}
