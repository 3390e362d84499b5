using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf.Reflection;
using VoteChain.Protos.V1;

namespace VoteChain.Consensus.Rules;

/// <summary>
/// Why a transaction or block was refused: a stable code (the proto enum name, e.g. ALREADY_VOTED) and a
/// sentence for humans. Bad input always yields one of these, never an exception.
/// </summary>
public sealed record Rejection(RejectCode Code, string Message)
{
    private static readonly ConcurrentDictionary<RejectCode, string> Names = new();

    /// <summary>The stable wire name of the code, e.g. "ALREADY_VOTED".</summary>
    public string CodeName => NameOf(Code);

    public static string NameOf(RejectCode code) => Names.GetOrAdd(code, static c =>
        typeof(RejectCode).GetField(c.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? c.ToString());

    public override string ToString() => $"{CodeName}: {Message}";
}
