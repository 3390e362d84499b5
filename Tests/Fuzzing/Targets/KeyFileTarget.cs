using System.Text;
using VoteChain.Node;
using VoteChain.Node.Keys;

namespace VoteChain.Fuzzing.Targets;

/// <summary>
/// The JSON key file loader (validator, authority and voter keys, and anonymous credentials, which hold a key the
/// same way). Bad text must end in one <see cref="UserInputException"/>, which the CLI prints as its one line.
/// </summary>
internal sealed class KeyFileTarget : IFuzzTarget
{
    public void Run(byte[] input)
    {
        try
        {
            using var key = KeyFile.FromText(Encoding.UTF8.GetString(input), "fuzz.key");
        }
        catch (UserInputException)
        {
            // The loader's refusal.
        }
    }
}
