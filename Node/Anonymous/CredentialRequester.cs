using System.Security.Cryptography;
using VoteChain.Consensus.Anonymous;
using VoteChain.Consensus.Crypto;
using VoteChain.Node.Cli.Operator;
using VoteChain.Node.Files;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Anonymous;

/// <summary>
/// <c>credential request</c>: a roll entry gets its anonymous credential. A fresh credential key; per issuer, in the
/// election's order, the key for the voter's weight (checked against the one the chain pinned), a blinded credential
/// message saved durably to the file before it is sent, the identity's signature over the request, and the issuer's
/// answer, unblinded and verified, with the voter's own poll book entry checked on chain. Run again with the same --out
/// after any failure and it resumes where it stopped, with the same blinded messages, so a lost answer never costs the
/// voter the credential; a lock file keeps two runs from writing one file.
/// </summary>
internal sealed class CredentialRequester(NodeSession node, TextWriter output)
{
    private static readonly TimeSpan ServedCheckTimeout = TimeSpan.FromSeconds(30);

    public CredentialFile Request(Ed25519KeyPair identity, string electionId, IReadOnlyList<string> issuerUrls, string outPath)
    {
        var election = node.Election(electionId);
        var settings = election.Anonymous
            ?? throw new UserInputException($"election {electionId} is not anonymous: its authority registers the voters' own keys");
        var entry = node.Voter(electionId, identity.PublicKey).Credential;
        if (entry is not { Roll: true })
        {
            throw new UserInputException($"identity {HexInput.Format(identity.PublicKey)} is not on the roll of election {electionId}");
        }

        if (entry.Revoked)
        {
            throw new UserInputException($"identity {HexInput.Format(identity.PublicKey)}'s roll entry in election {electionId} was revoked");
        }

        using var exclusive = Lock(outPath);
        var clients = Issuers(settings, issuerUrls);
        try
        {
            var file = Start(outPath, electionId, entry.Weight, settings);
            var open = Enumerable.Range(0, clients.Length).Where(i => file.Content.Issuers[i].Signature is null).ToList();

            // The issuers' keys for the weight, asked of all at once: an issuer derives a weight's key on first use (seconds).
            var offers = open.Where(i => file.Content.Issuers[i].BlindedMessage is null || file.Content.Issuers[i].Inverse is null)
                .ToDictionary(i => i, i => Task.Run(() => clients[i].WeightKey(
                    new WeightKeyRequest(electionId, HexInput.Format(identity.PublicKey)))));
            Settle(offers.Values);
            Fail(offers.Values);
            foreach (var (i, offer) in offers)
            {
                Prepare(file, outPath, i, clients[i], entry.Weight, offer.Result);
            }

            // All at once: an honest issuer answers only once every issuer has served this roll entry.
            var answers = open.ToDictionary(i => i, i => Task.Run(() => Ask(file.Content, identity, i, clients[i])));
            Settle(answers.Values);
            foreach (var (i, answer) in answers.Where(a => a.Value.IsCompletedSuccessfully))
            {
                Finish(file, outPath, identity.PublicKey, i, clients[i], answer.Result);
            }

            Fail(answers.Values);
            return file;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Held for the whole run: a second run on the same file would blind a second message and lose the first.</summary>
    private static FileStream Lock(string outPath)
    {
        try
        {
            return new FileStream(outPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new UserInputException($"another `credential request` is using {outPath} (or cannot lock it: {e.Message})", e);
        }
    }

    private static void Settle(IEnumerable<Task> tasks) =>
        Task.WaitAll([.. tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))]);

    /// <summary>Every failure in one line: one issuer waiting for the others must not hide another one unreachable.</summary>
    private static void Fail(IEnumerable<Task> tasks)
    {
        var problems = tasks.Where(t => !t.IsCompletedSuccessfully)
            .Select(t => t.Exception?.InnerException?.Message ?? "cancelled").Distinct().ToList();
        if (problems.Count > 0)
        {
            throw new UserInputException(string.Join("; ", problems) + " (a request cut short resumes when run again with the same --out)");
        }
    }

    /// <summary>One client per issuer of the election, in its order; every issuer must be given, each once.</summary>
    private IssuerClient[] Issuers(AnonymousSettings settings, IReadOnlyList<string> urls)
    {
        var clients = new IssuerClient?[settings.Issuers.Count];
        try
        {
            foreach (var url in urls)
            {
                var client = new IssuerClient(url);
                var info = client.Info();
                if (info.ChainId != node.ChainId)
                {
                    client.Dispose();
                    throw new UserInputException($"issuer {url} serves chain {IssuerClient.Printable(info.ChainId)}, not {node.ChainId}");
                }

                var index = AnonymousElection.IssuerIndex(settings, HexInput.PublicKey(info.IssuerKey, $"issuer key of {url}"));
                if (index < 0 || clients[index] is not null)
                {
                    client.Dispose();
                    throw new UserInputException(index < 0
                        ? $"issuer {url} (key {info.IssuerKey}) is not an issuer of this election"
                        : $"issuer {url} is the same issuer as {clients[index]!.Url}");
                }

                clients[index] = client;
            }

            var missing = Enumerable.Range(0, clients.Length).Where(i => clients[i] is null).ToList();
            if (missing.Count > 0)
            {
                throw new UserInputException($"this election needs every issuer's signature; give --issuer for issuer(s) " +
                    string.Join(", ", missing.Select(i => $"{i + 1} ({HexInput.Format(settings.Issuers[i].Span)})")));
            }

            return clients!;
        }
        catch
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }

            throw;
        }
    }

    /// <summary>The credential file to fill: resumed when it exists (same chain, election and weight), else new.</summary>
    private CredentialFile Start(string path, string electionId, ulong weight, AnonymousSettings settings)
    {
        if (File.Exists(path))
        {
            var existing = CredentialFile.Load(path);
            var content = existing.Content;
            if (content.ChainId != node.ChainId || content.ElectionId != electionId || content.Weight != weight
                || !content.Issuers.Select(i => i.IssuerKey).SequenceEqual(settings.Issuers.Select(k => HexInput.Format(k.Span))))
            {
                throw new UserInputException($"credential file {path} is for another chain, election, weight or issuers; choose another --out");
            }

            if (existing.IsComplete)
            {
                throw new UserInputException($"credential file {path} is already complete; register it with `votechain credential register`");
            }

            output.WriteLine($"resuming the request in {path}");
            return existing;
        }

        using var key = Ed25519KeyPair.Generate();
        var seed = key.ExportSeed();
        var file = new CredentialFile(new CredentialFileJson(CredentialFile.Type, HexInput.Format(key.PublicKey),
            HexInput.Format(seed), node.ChainId, electionId, weight,
            [.. settings.Issuers.Select(k => new CredentialIssuerPart(HexInput.Format(k.Span), "", ""))]));
        CryptographicOperations.ZeroMemory(seed);
        file.Update(file.Content, path);
        return file;
    }

    /// <summary>
    /// The request for one issuer, made and saved before anything is sent: its key for the weight (checked against the
    /// chain's pin where there is one), the random prefix, the blinded message and the unblinding secret. From then on
    /// only this message can be served, so a resumed request sends the same one.
    /// </summary>
    private void Prepare(CredentialFile file, string path, int issuer, IssuerClient client, ulong weight, WeightKeyResponse offered)
    {
        var content = file.Content;
        var weightKey = HexInput.Parse(offered.WeightKey, $"weight key from {client.Url}", IssuerKeyCheck.PublicKeySize);
        if (offered.Weight != weight || IssuerKeyCheck.Problem(weightKey) is not null)
        {
            throw new UserInputException($"issuer {client.Url} offered an unusable key for weight {weight}");
        }

        var pinned = node.Issuance(content.ElectionId, weight).Issuance?.IssuerKeys[issuer];
        if (pinned is { IsEmpty: false } && !pinned.Span.SequenceEqual(weightKey))
        {
            throw new UserInputException($"issuer {client.Url} offered a key for weight {weight} that is not the one the chain holds for it; refusing");
        }

        var prepared = BlindRsa.Prepare(Message(content));
        var blinded = BlindRsa.Blind(weightKey, prepared);
        file.Update(Replace(content, issuer, content.Issuers[issuer] with
        {
            WeightKey = offered.WeightKey,
            Prefix = HexInput.Format(prepared.AsSpan(0, IssuerKeyCheck.PrefixSize)),
            BlindedMessage = HexInput.Format(blinded.Value),
            Inverse = HexInput.Format(blinded.State.Inverse),
        }), path);
    }

    /// <summary>The identity's signed request to one issuer, and the issuer's answer.</summary>
    private SignResponse Ask(CredentialFileJson content, Ed25519KeyPair identity, int issuer, IssuerClient client)
    {
        var part = content.Issuers[issuer];
        var request = AnonymousSigning.Request(node.ChainId, content.ElectionId, Convert.FromHexString(part.IssuerKey),
            Convert.FromHexString(part.WeightKey), RequestHash(part));
        return client.Sign(new SignRequest(content.ElectionId, HexInput.Format(identity.PublicKey), part.BlindedMessage!,
            HexInput.Format(identity.Sign(request))));
    }

    /// <summary>
    /// Unblinds and verifies one answer, checks on chain that this very request was served with the key it was made
    /// with (the issuer's word is not enough), and keeps only the signature.
    /// </summary>
    private void Finish(CredentialFile file, string path, byte[] identity, int issuer, IssuerClient client, SignResponse answer)
    {
        var content = file.Content;
        var part = content.Issuers[issuer];
        var key = Convert.FromHexString(part.WeightKey);
        byte[] signature;
        try
        {
            signature = BlindRsa.Finalize(key, AnonymousSigning.Prepared(Convert.FromHexString(part.Prefix), Message(content)),
                HexInput.Parse(answer.BlindSignature, $"blind signature from {client.Url}", IssuerKeyCheck.SignatureSize),
                new BlindingState(Convert.FromHexString(part.Inverse!)));
        }
        catch (CryptographicException e)
        {
            throw new UserInputException($"issuer {client.Url}'s answer is not a valid signature: {e.Message}", e);
        }

        CheckServed(content, identity, issuer, key, RequestHash(part), client);
        file.Update(Replace(content, issuer, part with { BlindedMessage = null, Inverse = null, Signature = HexInput.Format(signature) }), path);
        output.WriteLine($"issuer {issuer + 1} of {content.Issuers.Count} signed");
    }

    /// <summary>
    /// The voter's poll book entry for this issuer names this request, and the chain pinned this key for the weight: a
    /// key of the issuer's own would mark the voter out at registration. The voter's node may be a block behind the
    /// issuer's, so it is asked again for a while.
    /// </summary>
    private void CheckServed(CredentialFileJson content, byte[] identity, int issuer, byte[] key, byte[] requestHash, IssuerClient client)
    {
        var deadline = DateTime.UtcNow + ServedCheckTimeout;
        while (true)
        {
            var served = node.Voter(content.ElectionId, identity).Credential?.ServedRequests;
            var pinned = node.Issuance(content.ElectionId, content.Weight).Issuance?.IssuerKeys[issuer];
            if (served is not null && issuer < served.Count && served[issuer].Span.SequenceEqual(requestHash)
                && pinned is not null && pinned.Span.SequenceEqual(key))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new UserInputException($"issuer {client.Url} answered, but the chain (at {node.Client.Url}) shows no poll book entry " +
                    $"of this request with its key for weight {content.Weight}; refusing its signature");
            }

            Thread.Sleep(250);
        }
    }

    private static byte[] RequestHash(CredentialIssuerPart part) => Hashing.Sha256(Convert.FromHexString(part.BlindedMessage!));

    private byte[] Message(CredentialFileJson content) =>
        AnonymousSigning.CredentialMessage(node.ChainId, content.ElectionId, content.Weight, Convert.FromHexString(content.PublicKey));

    private static CredentialFileJson Replace(CredentialFileJson content, int issuer, CredentialIssuerPart part)
    {
        var issuers = new List<CredentialIssuerPart>(content.Issuers) { [issuer] = part };
        return content with { Issuers = issuers };
    }
}
