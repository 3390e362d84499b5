using VoteChain.Consensus.Pbft;
using VoteChain.Networking.Api;
using VoteChain.Protos.V1;
using GenesisMessage = VoteChain.Protos.V1.Genesis;

namespace VoteChain.Node.Cli.Operator;

/// <summary>
/// <c>votechain tally --prove</c> and <c>--check</c>: a tally proven against a certified header and checked here with the
/// genesis file alone (<see cref="TallyProofVerifier"/>); nothing shown is the node's word.
/// </summary>
internal static class TallyProving
{
    /// <summary>Asks the node for the tally with its proof, saves the proof when asked (before checking it, as a receipt is), and checks it.</summary>
    public static TallyView Prove(NodeSession session, string electionId, GenesisMessage genesis, string? outPath)
    {
        var proof = session.ProvenTally(electionId).Proof
            ?? throw new UserInputException("the node sent the tally without a proof (it may run a votechain from before tally proofs)");
        if (proof.ElectionId != electionId)
        {
            throw new UserInputException($"the node answered with a proof of another election, not '{electionId}'");
        }

        if (outPath is not null)
        {
            TallyProofFile.Save(outPath, proof);
        }

        return Check(proof, genesis);
    }

    /// <summary>The tally <paramref name="proof"/> proves, or the one-line reason it proves nothing.</summary>
    public static TallyView Check(TallyProof proof, GenesisMessage genesis)
    {
        var proven = new TallyProofVerifier(ValidatorSet.From(genesis), genesis.ChainId).Verify(proof, out var problem)
            ?? throw new UserInputException($"tally proof FAILED: {problem}");
        var response = new TallyResponse
        {
            ElectionId = proven.ElectionId,
            Height = proven.Header.Height,
            Tally = proven.Tally,
            Options = { proven.Election.Definition.Options },
        };
        return new TallyView(response, SecretOf(proven.Tally), proven);
    }

    /// <summary>
    /// A secret election's result is proven as the chain holds it: every replica checked its decryption before writing it,
    /// but this client did not re-check it (result_verified stays null; `votechain audit` does).
    /// </summary>
    private static SecretResult? SecretOf(TallyRecord tally) => !tally.Secret ? null
        : tally.ResultPublished
            ? new SecretResult(true, null, $"result published at height {tally.ResultHeight}; the proof shows the chain holds it, and every replica checked its decryption before writing it")
            : new SecretResult(false, null, "Encrypted: turnout only until the trustees publish the result (the proof covers the encrypted sums)");
}
