// RFC 6962 inclusion proofs as Consensus/Merkle/MerkleTree.cs checks them: leaves hash with a 0x00 prefix, inner
// nodes with 0x01, and the audit path (leaf level first) is walked with RFC 9162 2.1.3.2.
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equalBytes } from './bytes.js';

/** True when `leaf` sits at `index` in a tree of `treeSize` leaves (bigint) whose root is `root`. */
export function verifyInclusion(root, leaf, index, treeSize, path) {
  if (index >= treeSize) {
    return false;
  }
  let fn = index;
  let sn = treeSize - 1n;
  let hash = sha256(concat(Uint8Array.of(0), leaf));
  for (const sibling of path) {
    if (sn === 0n || sibling.length !== 32) {
      return false;
    }
    if ((fn & 1n) === 1n || fn === sn) {
      hash = nodeHash(sibling, hash);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(hash, root);
}

function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}
