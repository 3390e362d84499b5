// A state proof (docs/STATE-PROOFS.md) checked against a state root, trusting nothing else: the page's copy of
// Consensus/State/Merkle/StateProofs.cs (Verify and the shape checks of Parse), TreeHashes.cs (the hashes and their
// domains) and TreePath.cs (bits most significant first), with their sentences. The tree is a compact sparse Merkle
// tree: a subtree holding one record is that record's leaf, and a leaf hash and an internal hash have different
// domains, so a position whose hash is a leaf's holds that one record and nothing else.
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, utf8 } from './bytes.js';
import { jsonArray, jsonBytes } from './proto-json.js';

/** Consensus/State/StateColumn.cs: the columns whose records a receipt's standing proves. */
export const StateColumn = Object.freeze({ Credentials: 2, Ballots: 3 });

const HashSize = 32;
/** One sibling per bit level of a 256-bit path at most (StateProofs.MaxSiblings). */
export const MaxSiblings = 256;

const KeyDomain = utf8('votechain/v1/state-key\0');
const LeafDomain = utf8('votechain/v1/state-leaf\0');
const InternalDomain = utf8('votechain/v1/state-node\0');
const EmptyHash = new Uint8Array(HashSize);

/** Consensus/State/StateKeys.cs Credential: the key of a credential's record and of its ballot (election id, NUL, key). */
export function credentialKey(electionId, credential) {
  return concat(utf8(electionId), Uint8Array.of(0), credential);
}

/** TreeHashes.KeyPath: where a record sits in the tree. */
export function keyPath(column, key) {
  return sha256(concat(KeyDomain, Uint8Array.of(column), key));
}

/**
 * A StateProof in proto3 JSON ({siblings: [base64], leafPath, leafValueHash}) read into bytes, with the shape of
 * StateProofs.Parse: the sibling count is bounded before any sibling is decoded. → {proof} or {problem}.
 */
export function readStateProof(json) {
  const siblings = jsonArray(json?.siblings);
  if (siblings.length > MaxSiblings) {
    return { problem: `A state proof has at most ${MaxSiblings} siblings, not ${siblings.length}.` };
  }
  const proof = { siblings: siblings.map(jsonBytes), leafPath: jsonBytes(json?.leafPath), leafValueHash: jsonBytes(json?.leafValueHash) };
  const problem = shapeProblem(proof);
  return problem ? { problem } : { proof };
}

/**
 * StateProofs.Verify: null when `proof` (as readStateProof gives it) shows that, under `root`, `key` of `column` holds
 * exactly `value` (bytes; null: holds nothing); otherwise the problem, in the node's words.
 */
export function stateProofProblem(root, column, key, value, proof) {
  if (!proof) {
    return 'There is no proof.';
  }
  if (root.length !== HashSize) {
    return `A state root is ${HashSize} bytes, not ${root.length}.`;
  }
  const shape = shapeProblem(proof);
  if (shape) {
    return shape;
  }
  const path = keyPath(column, key);
  const depth = proof.siblings.length;
  const hasLeaf = proof.leafPath.length > 0;
  if (hasLeaf && !sharePrefix(proof.leafPath, path, depth)) {
    return 'The proof\'s leaf is not on the key\'s path.';
  }
  const present = hasLeaf && equalBytes(proof.leafPath, path);
  if (present && value === null) {
    return 'The proof shows the key holds a record, not that it holds none.';
  }
  if (!present && value !== null) {
    return 'The proof shows the key holds no record.';
  }
  if (present && !equalBytes(sha256(value), proof.leafValueHash)) {
    return 'The record is not the one the proof holds: its hash differs.';
  }
  let hash = hasLeaf ? sha256(concat(LeafDomain, proof.leafPath, proof.leafValueHash)) : EmptyHash;
  for (let level = depth - 1; level >= 0; level--) {
    const sibling = proof.siblings[level];
    hash = bit(path, level) === 0 ? internal(hash, sibling) : internal(sibling, hash);
  }
  return equalBytes(hash, root) ? null : 'The proof does not lead to the state root.';
}

// Sizes and minimality: a canonical tree's proof never ends beside an empty sibling (the leaf or the emptiness would
// sit one level up), so such a proof is refused and each statement has one proof.
function shapeProblem(proof) {
  if (proof.siblings.length > MaxSiblings) {
    return `A state proof has at most ${MaxSiblings} siblings, not ${proof.siblings.length}.`;
  }
  for (const [i, sibling] of proof.siblings.entries()) {
    if (sibling.length !== HashSize) {
      return `Sibling ${i} of the state proof is ${sibling.length} bytes, not ${HashSize}.`;
    }
  }
  const leafPath = proof.leafPath.length;
  if ((leafPath !== 0 && leafPath !== HashSize) || proof.leafValueHash.length !== leafPath) {
    return 'A state proof\'s leaf has a 32-byte path and a 32-byte value hash, or neither.';
  }
  const last = proof.siblings[proof.siblings.length - 1];
  return last && equalBytes(last, EmptyHash) ? 'The state proof is not the shortest: its last sibling is empty.' : null;
}

function internal(left, right) {
  return sha256(concat(InternalDomain, left, right));
}

// TreePath.Bit: most significant bit of the first byte first.
function bit(path, index) {
  return (path[index >> 3] >> (7 - (index & 7))) & 1;
}

// TreePath.SharePrefix: the first `bits` bits of both paths are equal.
function sharePrefix(a, b, bits) {
  const whole = bits >> 3;
  if (!equalBytes(a.subarray(0, whole), b.subarray(0, whole))) {
    return false;
  }
  const rest = bits & 7;
  if (rest === 0) {
    return true;
  }
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole] & mask) === (b[whole] & mask);
}
