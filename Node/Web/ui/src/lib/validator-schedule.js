// The validator sets of a chain by the first height each certifies, as a light client learns them
// (docs/GOVERNANCE.md): genesis's from height 1, then one more for each change a certified header announced. The
// page's copy of Consensus/Pbft/ValidatorSchedule.cs and of the shape rule of a header's validator change
// (Consensus/Chain/BlockValidity.cs ValidatorChangeProblem), with the node's sentences. Whether a change is
// certified is the caller's question (receipt.js walks a receipt's set changes).
import { fromHex } from './bytes.js';

/** Consensus/Governance/GovernanceRules.cs: a change approved at height h takes effect at h + 3. */
export const ActivationDelay = 3n;
/** Consensus/Governance/GovernanceChecks.cs: the most validators a set may hold. */
export const MaxValidators = 64;

/** Genesis's keys (Uint8Array each) certify from height 1 until the first change. */
export function validatorSchedule(genesisKeys) {
  const sets = [{ from: 1n, keys: genesisKeys }];
  return {
    /** The keys that certify the block at `height` (bigint), as far as this schedule knows. */
    at(height) {
      for (let i = sets.length - 1; i > 0; i--) {
        if (sets[i].from <= height) {
          return sets[i].keys;
        }
      }
      return sets[0].keys;
    },
    /** Takes a change whose shape validatorChangeProblem accepted and whose activation is past the last one's. */
    add(change) {
      const from = BigInt(change.activationHeight);
      if (from <= sets[sets.length - 1].from) {
        throw new Error(`A validator change for height ${from} cannot follow the one for height ${sets[sets.length - 1].from}.`);
      }
      sets.push({ from, keys: change.publicKeys.map(fromHex) });
    },
  };
}

/**
 * The shape of a decoded header's validator change ({activationHeight, publicKeys: [hex]}) at header height `height`
 * (bigint): the activation the rules always give, and 1 to 64 distinct 32-byte keys. → null or the node's phrase.
 */
export function validatorChangeProblem(change, height) {
  const activation = BigInt(change.activationHeight);
  if (activation !== height + ActivationDelay) {
    return `the validator change takes effect at height ${activation}, not ${height + ActivationDelay}`;
  }
  const keys = change.publicKeys;
  if (keys.length === 0 || keys.length > MaxValidators || keys.some((k) => k.length !== 64) || new Set(keys).size !== keys.length) {
    return `the validator change must name 1 to ${MaxValidators} distinct 32-byte keys`;
  }
  return null;
}
