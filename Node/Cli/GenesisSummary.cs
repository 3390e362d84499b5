using VoteChain.Consensus.Genesis;
using VoteChain.Node.Files;
using VoteChain.Node.Genesis;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Cli;

/// <summary>The human-readable report of <c>genesis show</c>.</summary>
internal static class GenesisSummary
{
    public static void Write(GenesisMessage genesis, TextWriter output)
    {
        output.WriteLine($"chain id:     {genesis.ChainId}");
        output.WriteLine($"genesis time: {GenesisTime.Format(genesis.GenesisTimeUnixMs)}");
        output.WriteLine($"genesis hash: {HexInput.Format(GenesisHash.Of(genesis))}");
        output.WriteLine($"validators:   {genesis.Validators.Count} (tolerates {(genesis.Validators.Count - 1) / 3} faulty)");
        foreach (var validator in genesis.Validators)
        {
            var trustee = validator.TrusteeKey.IsEmpty ? "none" : HexInput.Format(validator.TrusteeKey.Span);
            output.WriteLine($"  {validator.Name}  {HexInput.Format(validator.PublicKey.Span)}  {validator.Endpoint}  trustee key: {trustee}");
        }

        output.WriteLine($"authorities:  {genesis.Authorities.Count}");
        foreach (var authority in genesis.Authorities)
        {
            output.WriteLine($"  {HexInput.Format(authority.Span)}");
        }

        var problems = GenesisValidator.Validate(genesis);
        output.WriteLine(problems.Count == 0 ? "status:       ready" : $"status:       {problems.Count} problem(s)");
        foreach (var problem in problems)
        {
            output.WriteLine($"  - {problem}");
        }
    }
}
