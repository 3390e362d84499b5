namespace VoteChain.Node.Cli;

/// <summary>Process exit codes, so scripts can tell a typo in the command line from a bad file.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad input (a file, a value) or a failure while running: one line on stderr.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage: unknown command or option, missing required option (reported by the parser).</summary>
    public const int Usage = 2;
}
