using System.Text;
using VoteChain.Consensus.Genesis;
using VoteChain.Consensus.Pbft;
using VoteChain.Consensus.Rules;
using VoteChain.Node;
using VoteChain.Node.Genesis;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// The genesis loader as `votechain start` uses it: the JSON form (<see cref="GenesisFile"/>), then the content
/// (<see cref="GenesisValidator"/>), then what the node builds from a genesis it accepted (hash, validator set,
/// rule context). A genesis the validator accepts must build without an exception.
/// </summary>
internal sealed class GenesisTarget : IFuzzTarget
{
    public void Run(byte[] input)
    {
        Protos.V1.Genesis genesis;
        try
        {
            genesis = GenesisFile.FromText(Encoding.UTF8.GetString(input), "fuzz-genesis.json");
        }
        catch (UserInputException)
        {
            return;
        }

        if (GenesisValidator.Validate(genesis).Count > 0)
        {
            return;
        }

        _ = GenesisHash.Of(genesis);
        _ = ValidatorSet.From(genesis);
        _ = RuleContext.From(genesis);
        _ = GenesisFile.ToText(genesis);
    }
}
