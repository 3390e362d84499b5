namespace VoteChain.Node.Cli;

/// <summary>
/// A command line that cannot run as given although the parser accepted it (a confirmation a script must pass as a flag,
/// say). The CLI prints its one-line message as <c>error: ...</c> and exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
