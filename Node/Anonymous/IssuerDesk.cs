using System.Collections.Concurrent;
using Google.Protobuf;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// What an issuer does for one request, in the order that keeps it safe: check the election, the roll entry and the
/// voter's signed request against the chain (cheap, so a stranger costs no RSA work); post the poll book entry and wait
/// until it is committed (the chain, not this process, guarantees one service per roll entry, even across restarts or
/// several copies of the service) and every other issuer's entry too; log it; only then sign blindly. A voter who lost the answer asks again with the same
/// blinded message and gets the same signature; a different one is ALREADY_SERVED.
/// </summary>
internal sealed class IssuerDesk : IDisposable
{
    public static readonly TimeSpan DefaultServeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommitPoll = TimeSpan.FromMilliseconds(200);

    private readonly Ed25519KeyPair _key;
    private readonly NodeSession _node;
    private readonly IssuerLog _log;
    private readonly TimeSpan _serveTimeout;
    private readonly ConcurrentDictionary<(string Election, ulong Weight), Lazy<IssuerWeightKey>> _weightKeys = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _identityLocks = new(StringComparer.Ordinal);

    /// <param name="serveTimeout">How long a request waits for every issuer's poll book entry before it is refused (the voter asks again).</param>
    public IssuerDesk(Ed25519KeyPair key, NodeSession node, IssuerLog log, TimeSpan? serveTimeout = null)
    {
        _key = key;
        _node = node;
        _log = log;
        _serveTimeout = serveTimeout ?? DefaultServeTimeout;
        ChainId = node.ChainId;
    }

    public string ChainId { get; }

    public IssuerInfo Info() => new(ChainId, HexInput.Format(_key.PublicKey));

    public WeightKeyResponse WeightKey(WeightKeyRequest request)
    {
        var (election, _) = Election(request.ElectionId);
        var entry = RollEntry(election, Hex(request.Identity, "identity", Ed25519.PublicKeySize));
        return new WeightKeyResponse(entry.Weight, HexInput.Format(KeyFor(election, entry.Weight).PublicKeyDer));
    }

    public async Task<SignResponse> SignAsync(SignRequest request, CancellationToken cancellation)
    {
        var (election, issuer) = Election(request.ElectionId);
        var identity = Hex(request.Identity, "identity", Ed25519.PublicKeySize);
        var blinded = Hex(request.BlindedMessage, "blinded_message", IssuerKeyCheck.SignatureSize);
        var signature = Hex(request.RequestSignature, "request_signature", Ed25519.SignatureSize);
        var id = election.Definition.ElectionId;

        // One request per roll entry at a time: two racing requests of one voter must not both reach the chain.
        var gate = _identityLocks.GetOrAdd($"{id}\0{request.Identity}", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var entry = RollEntry(election, identity);
            var weightKey = KeyFor(election, entry.Weight);
            var requestHash = Hashing.Sha256(blinded);
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

            var served = entry.ServedRequests[issuer];
            var repeat = !served.IsEmpty;
            if (repeat && !served.Span.SequenceEqual(requestHash))
            {
                throw IssuerRefusal.Rule("ALREADY_SERVED", $"this issuer already served roll entry {request.Identity[..16]}... with another request");
            }

            var payload = new TxPayload
            {
                CredentialServed = new CredentialServed
                {
                    ElectionId = id,
                    Identity = ByteString.CopyFrom(identity),
                    WeightKey = ByteString.CopyFrom(weightKey.PublicKeyDer),
                    RequestHash = ByteString.CopyFrom(requestHash),
                    RequestSignature = ByteString.CopyFrom(signature),
                    WeightKeyProof = ByteString.CopyFrom(ProveWeightKey(weightKey,
                        AnonymousSigning.WeightKeyProof(ChainId, id, _key.PublicKey, entry.Weight))),
                },
            };
            var txId = Hashing.Sha256(_node.Sign(_key, payload));
            if (!repeat)
            {
                Submit(payload);
            }

            var height = await ServedByAllAsync(id, identity, issuer, requestHash, cancellation).ConfigureAwait(false);
            _log.Served(new IssuerLogEntry(DateTimeOffset.UtcNow, id, HexInput.Format(identity), entry.Weight,
                HexInput.Format(requestHash), HexInput.Format(txId), height, repeat));
            var blindSignature = BlindRsa.BlindSign(weightKey.PrivateKey, blinded);
            return new SignResponse(HexInput.Format(blindSignature), HexInput.Format(txId), height);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var gate in _identityLocks.Values)
        {
            gate.Dispose();
        }
    }

    private (ElectionRecord Election, int Issuer) Election(string electionId)
    {
        if (string.IsNullOrEmpty(electionId) || electionId.Length > 64)
        {
            throw IssuerRefusal.BadRequest("election_id must be 1 to 64 characters");
        }

        var election = _node.FindElection(electionId)
            ?? throw IssuerRefusal.NotFound("UNKNOWN_ELECTION", $"there is no election '{electionId}' on chain {ChainId}");
        if (election.Anonymous is null)
        {
            throw IssuerRefusal.Rule("NOT_ANONYMOUS", $"election '{electionId}' is not anonymous");
        }

        var issuer = AnonymousElection.IssuerIndex(election.Anonymous, _key.PublicKey);
        return issuer < 0
            ? throw IssuerRefusal.Rule("NOT_ISSUER", $"this issuer ({HexInput.Format(_key.PublicKey)}) is not an issuer of election '{electionId}'")
            : (election, issuer);
    }

    private CredentialRecord RollEntry(ElectionRecord election, byte[] identity)
    {
        var entry = _node.Voter(election.Definition.ElectionId, identity).Credential;
        if (entry is not { Roll: true })
        {
            throw IssuerRefusal.NotFound("NOT_REGISTERED", $"this identity is not on the roll of election '{election.Definition.ElectionId}'");
        }

        return entry.Revoked
            ? throw IssuerRefusal.Rule("CREDENTIAL_REVOKED", "this roll entry has been revoked")
            : entry;
    }

    /// <summary>The key for one weight, derived once per process (it takes seconds) and only for weights on the roll.</summary>
    private IssuerWeightKey KeyFor(ElectionRecord election, ulong weight)
    {
        var id = election.Definition.ElectionId;
        return _weightKeys.GetOrAdd((id, weight), _ => new Lazy<IssuerWeightKey>(
            () => IssuerWeightKey.Derive(_key.ExportSeed(), ChainId, id, weight))).Value;
    }

    private void Submit(TxPayload payload)
    {
        try
        {
            _node.Submit(_key, payload, "poll book entry");
        }
        catch (UserInputException e) when (e.Message.Contains("DUPLICATE_TRANSACTION", StringComparison.Ordinal))
        {
            // The same entry is already in a block or a pool (this issuer posted it before a restart): wait for it.
        }
        catch (UserInputException e)
        {
            throw new IssuerRefusal(502, "NODE_REFUSED", e.Message);
        }
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
            var served = entry?.ServedRequests[issuer] ?? ByteString.Empty;
            if (!served.IsEmpty && !served.Span.SequenceEqual(requestHash))
            {
                throw IssuerRefusal.Rule("ALREADY_SERVED", "another request of this roll entry was served first");
            }

            if (entry is not null && AnonymousElection.ServedByAll(entry))
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

    /// <summary>The weight key's RSA-PSS (SHA-384, 48-byte salt) signature over its proof message, as the chain checks it.</summary>
    private static byte[] ProveWeightKey(IssuerWeightKey key, byte[] message)
    {
        var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaBlindedEngine(),
            new Org.BouncyCastle.Crypto.Digests.Sha384Digest(), IssuerKeyCheck.SaltSize);
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(key.PrivateKey, new Org.BouncyCastle.Security.SecureRandom()));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    private static byte[] Hex(string? text, string field, int size)
    {
        if (text is null || text.Length != 2 * size)
        {
            throw IssuerRefusal.BadRequest($"{field} must be {size} bytes in hex");
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw IssuerRefusal.BadRequest($"{field} is not hex");
        }
    }
}
