using System.Globalization;
using VoteChain.Node.Driver;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using VoteChain.Storage;
using VoteChain.Storage.Signing;

namespace VoteChain.Node.Hosting;

/// <summary>One thing a home check looked at and what it found there (a problem is reported apart).</summary>
internal sealed record HomeFinding(string What, string Found);

/// <summary>Every problem of a home, one sentence each, and what was found where nothing was wrong.</summary>
internal sealed record HomeCheckResult(IReadOnlyList<string> Problems, IReadOnlyList<HomeFinding> Findings);

/// <summary>
/// Checks the files of a home as <c>start</c> reads them, through the same loaders (<see cref="NodeFiles"/>, the TLS
/// files, the storage and sign-state checks), but goes on past a problem so that all of them are reported at once.
/// <c>start</c> checks the files before it opens anything; <c>config check</c> also looks at the data folder and the
/// sign-state, read only, which start opens for real.
/// </summary>
internal static class NodeHomeCheck
{
    /// <param name="withData">Also the data folder and the sign-state (read only: a running node does not stand in the way).</param>
    public static HomeCheckResult Run(NodeOptions options, bool withData)
    {
        var problems = new List<string>();
        var findings = new List<HomeFinding>();
        var genesis = Attempt(problems, () => GenesisFile.Load(options.GenesisFile));
        if (genesis is not null && NodeFiles.GenesisProblems(options, genesis) is { Count: > 0 } genesisProblems)
        {
            problems.AddRange(genesisProblems);
            genesis = null;
        }

        var chain = genesis is null ? null : new ChainContext(genesis);
        if (chain is not null)
        {
            findings.Add(new("genesis", $"chain {chain.ChainId}, {chain.Validators.Count} validators, hash {HexInput.Format(chain.GenesisHash)}"));
        }

        var nodeKey = Attempt(problems, () => KeyOf(NodeFiles.LoadNodeKey(options)));
        var inGenesis = nodeKey is not null && chain?.Validators.IndexOf(nodeKey) is not null;
        if (nodeKey is not null)
        {
            findings.Add(new("node key", HexInput.Format(nodeKey) + (chain is null ? "" : inGenesis ? " (a genesis validator)" : " (not in the genesis)")));
        }

        var nextKey = Attempt(problems, () => NodeFiles.LoadNextKey(options) is { } next ? KeyOf(next) : []);
        findings.Add(new("next key", nextKey is { Length: > 0 } ? HexInput.Format(nextKey) : "none"));
        var trustee = Attempt(problems, () => NodeFiles.LoadTrusteeKey(options) is { } key ? Take(key, k => k.PublicKey) : []);
        findings.Add(new("trustee", trustee is { Length: > 0 } ? $"on, key {HexInput.Format(trustee)}" : options.Trustee.IsOn ? "on" : "off"));
        var tls = Attempt(problems, () => TlsEndpoint.LoadCertificate(options) is { } certificate
            ? Take(certificate, c => $"{c.Subject}, valid until {c.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}")
            : "off (plain http)");
        if (tls is not null)
        {
            findings.Add(new("tls", tls));
        }

        if (withData && chain is not null)
        {
            CheckData(options, chain, inGenesis, problems, findings);
        }

        return new HomeCheckResult(problems, findings);
    }

    /// <summary>
    /// The data folder as <see cref="ChainStore.Open"/> judges it, and the sign-state as <see cref="SignStateStartup"/>
    /// does. A key that is no genesis validator may still have served (governance added it), which only the chain data's
    /// governance records tell: then a missing sign-state is left to start to judge, never reported when it is fine.
    /// </summary>
    private static void CheckData(NodeOptions options, ChainContext chain, bool inGenesis, List<string> problems, List<HomeFinding> findings)
    {
        DataFolderSummary? data = null;
        try
        {
            data = ChainStore.Inspect(options.DataDir, chain.ChainId, chain.GenesisHash);
            findings.Add(new("data", data is null
                ? $"{options.DataDir}: empty (the node starts from genesis)"
                : $"{options.DataDir}: height {data.Height}, format version {data.FormatVersion} (this votechain writes {StoreFormat.Current})"));
        }
        catch (StorageException e)
        {
            problems.Add(e.Message);
            return;
        }

        if (options.Observer)
        {
            findings.Add(new("sign-state", "not used (observer)"));
            return;
        }

        var read = Attempt(problems, () => Read(new SignStateFile(options.SignStateFile, chain.GenesisHash), SignStateStartup.MaxFileBytes(chain)));
        if (read is null)
        {
            return;
        }

        // The database of an older home may still hold the record; start moves it into the file first.
        var status = data?.HasLegacySignState == true ? SignStateFileStatus.Present : read.Status;
        if (SignStateStartup.MissingProblem(options, options.SignStateFile, status, data?.Height ?? 0, inGenesis) is { } missing)
        {
            problems.Add(missing);
            return;
        }

        findings.Add(new("sign-state", read.Status switch
        {
            SignStateFileStatus.Present => options.SignStateFile,
            _ when data?.HasLegacySignState == true => "in the data folder (the next start moves it into its file)",
            _ => "none yet (written at the first start)",
        }));
    }

    private static SignStateRead Read(SignStateFile file, long maxBytes)
    {
        try
        {
            return file.Read(maxBytes);
        }
        catch (StorageException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }

    /// <summary>The loader's result, or null with its one-line problem added.</summary>
    private static T? Attempt<T>(List<string> problems, Func<T> load)
        where T : class
    {
        try
        {
            return load();
        }
        catch (UserInputException e)
        {
            problems.Add(e.Message);
            return null;
        }
    }

    private static byte[] KeyOf(Consensus.Crypto.Ed25519KeyPair key) => Take(key, k => k.PublicKey);

    private static TResult Take<T, TResult>(T resource, Func<T, TResult> read)
        where T : IDisposable
    {
        using (resource)
        {
            return read(resource);
        }
    }
}
