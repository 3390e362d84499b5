using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Net.Client;
using VoteChain.Consensus.Crypto;
using VoteChain.Networking.Limits;
using VoteChain.Node.Cli;
using VoteChain.Node.Cli.Client;
using VoteChain.Node.Config;
using VoteChain.Node.Genesis;
using VoteChain.Node.Keys;
using VoteChain.Node.Tls;
using VoteChain.Protos.V1;

namespace VoteChain.Node.Devnet;

/// <summary>
/// The files of a local devnet: an election authority key, a genesis, and one home per node (validators on
/// base-port.., each with a trustee key in the genesis; observers after them), all on 127.0.0.1. A folder that
/// already holds a devnet is reused as it is, so a second run resumes the same chain. A TLS devnet
/// (<see cref="Tls"/>) serves https:// with node certificates issued by a devnet CA whose certificate clients trust
/// (<see cref="TlsCaPath"/>); the CA's key is thrown away once the certificates are issued, so nothing can be issued
/// in its name later.
/// </summary>
internal sealed record DevnetLayout(string Folder, int Validators, int Observers, int BasePort, bool Tls = false)
{
    public const string ChainId = "devnet";
    private const string MarkerFile = "devnet.json";

    public string GenesisPath => Path.Combine(Folder, "genesis.json");

    public string AuthorityKeyPath => Path.Combine(Folder, "authority.json");

    public string TlsCaPath => Path.Combine(Folder, "tls-ca.crt");

    public int Count => Validators + Observers;

    public string Home(int node) => Path.Combine(Folder, node < Validators ? $"validator{node}" : $"observer{node - Validators}");

    public string Name(int node) => Path.GetFileName(Home(node));

    public int Port(int node) => BasePort + node;

    /// <summary>Offset from a node's API port to its web port (JSON API; page and metrics to come).</summary>
    public const int WebPortOffset = 100;

    public int WebPort(int node) => BasePort + WebPortOffset + node;

    public string WebUrl(int node) => $"{(Tls ? "https" : "http")}://127.0.0.1:{WebPort(node)}";

    public string Url(int node) => $"{(Tls ? "https" : "http")}://127.0.0.1:{Port(node)}";

    /// <summary>A channel to the node's API that trusts the devnet CA when the devnet runs TLS.</summary>
    public GrpcChannel Channel(int node) => UncompressedChannel.ForAddress(Url(node), new GrpcChannelOptions
    {
        HttpHandler = Tls ? ClientTls.Trusting(TlsCaPath).CreateHandler() : null,
        DisposeHttpClient = true,
    });

    public bool IsObserver(int node) => node >= Validators;

    /// <summary>The index of the node called <paramref name="name"/> (validator0, observer0, ...), or -1.</summary>
    public int IndexOf(string name) => Enumerable.Range(0, Count).FirstOrDefault(node => Name(node) == name, -1);

    /// <summary>Opens the devnet in <paramref name="folder"/>, creating it when the folder holds none.</summary>
    public static (DevnetLayout Layout, bool Resumed) OpenOrCreate(string folder, int validators, int observers, int basePort, bool tls)
    {
        if (TryOpen(folder) is { } existing)
        {
            return (existing, true);
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new UserInputException($"{folder} is not empty and holds no devnet; choose another --dir");
        }

        // At most WebPortOffset nodes, so no node's API port is another's web port.
        if (validators < 1 || observers < 0 || validators + observers > WebPortOffset || basePort is < 1024 or > 65000)
        {
            throw new UserInputException("a devnet needs at least 1 validator, 0 or more observers, at most 100 nodes and a base port in 1024..65000");
        }

        var layout = new DevnetLayout(folder, validators, observers, basePort, tls);
        layout.Create();
        File.WriteAllText(Path.Combine(folder, MarkerFile), JsonSerializer.Serialize(new Dictionary<string, int>
        {
            ["validators"] = validators,
            ["observers"] = observers,
            ["base_port"] = basePort,
            ["tls"] = tls ? 1 : 0,
        }));
        return (layout, false);
    }

    /// <summary>The devnet already in <paramref name="folder"/>; an error when there is none.</summary>
    public static DevnetLayout Open(string folder) =>
        TryOpen(folder) ?? throw new UserInputException($"{folder} holds no devnet (no {MarkerFile}); check --dir");

    private static DevnetLayout? TryOpen(string folder)
    {
        var marker = Path.Combine(folder, MarkerFile);
        if (!File.Exists(marker))
        {
            return null;
        }

        var saved = JsonNode.Parse(File.ReadAllText(marker))
            ?? throw new UserInputException($"{marker} is empty; remove the folder to start a new devnet");
        return new DevnetLayout(folder, (int)saved["validators"]!, (int)saved["observers"]!, (int)saved["base_port"]!,
            saved["tls"] is { } tls && (int)tls == 1);
    }

    private void Create()
    {
        Directory.CreateDirectory(Folder);
        using var authority = Ed25519KeyPair.Generate();
        KeyFile.Save(AuthorityKeyPath, authority);
        var genesis = new Protos.V1.Genesis
        {
            ChainId = ChainId,
            GenesisTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Params = GenesisDefaults.Params(),
            Authorities = { ByteString.CopyFrom(authority.PublicKey) },
        };
        for (var node = 0; node < Count; node++)
        {
            using var key = Ed25519KeyPair.Generate();
            KeyFile.Save(Path.Combine(Home(node), "config", "node_key.json"), key);
            if (!IsObserver(node))
            {
                // Each validator gets a trustee key beside its node key, as `init` does, so a secret election on the
                // devnet needs no named trustees: the validators' nodes do the trustee duties themselves.
                var trusteeKey = TrusteeKeyFile.Create(TrusteeKeyFile.DefaultPath(Home(node)));
                genesis.Validators.Add(new ValidatorInfo
                {
                    Name = Name(node),
                    PublicKey = ByteString.CopyFrom(key.PublicKey),
                    Endpoint = Url(node),
                    TrusteeKey = ByteString.CopyFrom(trusteeKey),
                });
            }
        }

        GenesisFile.CreateNew(GenesisPath, genesis);
        using var tlsAuthority = Tls ? TlsCertificates.CreateAuthority("votechain devnet CA") : null;
        if (tlsAuthority is not null)
        {
            TlsFiles.SaveCertificate(tlsAuthority, TlsCaPath);
        }

        for (var node = 0; node < Count; node++)
        {
            var defaults = DefaultNodeConfig.WithName(Name(node));
            if (tlsAuthority is not null)
            {
                using var certificate = TlsCertificates.Issue(tlsAuthority, Name(node), []);
                TlsConfig.Save(Home(node), certificate);
                defaults = TlsConfig.WithTls(defaults);
            }

            var config = JsonNode.Parse(defaults)!.AsObject();
            config["listen"] = $"127.0.0.1:{Port(node)}";
            config["web"] = new JsonObject { ["listen"] = $"127.0.0.1:{WebPort(node)}" };
            config["peers"] = new JsonArray(IsObserver(node) ? Enumerable.Range(0, Validators).Select(v => (JsonNode)Url(v)).ToArray() : []);
            File.WriteAllText(Path.Combine(Home(node), "config", "node.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            GenesisFile.CreateNew(Path.Combine(Home(node), "config", "genesis.json"), genesis);
            Directory.CreateDirectory(Path.Combine(Home(node), "data"));
        }
    }
}
