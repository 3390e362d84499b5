namespace VoteChain.Node.Trustee;

/// <summary>
/// Where the trustee loop reports: the node's log, or the lines <c>votechain trustee run</c> prints. The loop decides
/// what is worth a line (each step once, each refusal or failure once); this only words and writes it.
/// </summary>
internal interface ITrusteeLog
{
    void Posted(string electionId, string step, byte[] txId);

    void Refused(string electionId, string step, string code, string message);

    /// <summary>The election needs nothing more of this trustee (said once per election).</summary>
    void Over(string electionId, string why);

    /// <param name="electionId">Null when the failure concerns no one election (e.g. the chain could not be read).</param>
    void Failed(string? electionId, string problem);
}

/// <summary>The words for each step, shared by both reports.</summary>
internal static class TrusteeSteps
{
    public static string Describe(string step) => step switch
    {
        "deal" => "dealt",
        "ack" => "acknowledged the deals",
        "reveal" => "revealed a share",
        "close" => "asked for a block past the close",
        "decryption-shares" => "posted decryption shares",
        "result" => "published the result",
        _ => $"posted {step}",
    };

    /// <summary>
    /// A refusal that means the step is done, not failed: every trustee posts the result and all but the first are
    /// refused, and a trustee restarted (or run in two places) may repeat a step already on chain. Reported as news,
    /// not as a warning.
    /// </summary>
    public static bool IsAlreadyDone(string code) => code == "ALREADY_POSTED";
}
