namespace VoteChain.Consensus.Secret;

/// <summary>Where a secret election's key generation stands at a given block time.</summary>
public enum KeyGenerationPhase
{
    /// <summary>Trustees post their deals; ends when all have dealt or at the dealing deadline.</summary>
    Dealing,

    /// <summary>Trustees acknowledge, naming dealers whose share was bad; ends when all have or at the deadline.</summary>
    Complaints,

    /// <summary>Named dealers reveal the disputed shares; ends when all are answered or at the deadline.</summary>
    Answers,

    /// <summary>The joint key is fixed: at least T dealers qualified.</summary>
    Final,

    /// <summary>Fewer than T dealers qualified: the election can take no votes.</summary>
    Failed,
}
