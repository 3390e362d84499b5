namespace VoteChain.Fuzzing;

/// <summary>
/// One entry point that untrusted bytes reach. <see cref="Run"/> must return normally for every input: the code
/// under test refuses bad input with its documented outcome (a rejection, a problem sentence, a user-input error),
/// so any exception that escapes is a bug, and afl-fuzz records the input as a crash.
/// </summary>
internal interface IFuzzTarget
{
    void Run(byte[] input);
}

/// <summary>Thrown by a target when the code under test broke a property it promises (not just threw).</summary>
internal sealed class PropertyViolation(string message) : Exception(message);
