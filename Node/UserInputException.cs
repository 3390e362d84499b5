namespace VoteChain.Node;

/// <summary>
/// Bad input from the operator (a file, a flag value). Its message is one line meant for humans; the CLI
/// prints it as <c>error: ...</c> and exits with 1, without a stack trace, because there is no bug to debug.
/// </summary>
public sealed class UserInputException : Exception
{
    public UserInputException()
    {
    }

    public UserInputException(string message)
        : base(message)
    {
    }

    public UserInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
