// Whether a block was certified on this chain, trusting only the genesis validators: the walk of the validator sets
// through certified headers that announced a change (as a light client learns them, docs/GOVERNANCE.md), the check of
// one commit certificate against the set in force, and Ed25519 as libsodium verifies it. The page's copy of
// Networking/Api/SetChangeWalk.cs and Consensus/Pbft/CommitCertificates.cs, with their sentences; receipt.js (the
// receipt's block) and standing.js (the proven standing's header) both take it.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, u64, utf8 } from './bytes.js';
import { decode } from './protos.js';
import { validatorChangeProblem, validatorSchedule } from './validator-schedule.js';

const EdPoint = ed25519.Point;
const PbftDomain = utf8('votechain/v1/pbft\0');
const CommitStep = 4; // Consensus/Pbft/SignStep.cs

/**
 * Networking/Api/SetChangeWalk.cs: the sets in force up to `height` (bigint), from genesis's through each change in
 * `setChanges` ([{header: bytes, certificate}]), oldest first. Each announcing header must be certified by the set in
 * force at its own height (known from the changes before it) and its change must be in force by `height` (`block`
 * names that block in the sentence: "the receipt's block"). Leaving a change out makes the certificate at `height`
 * fail: it was signed by a set the walk never reached. The walk stops at the first change that fails, so padding
 * costs its parsing only. → {schedule} or {problem}.
 */
export function scheduleProblem(setChanges, height, chainId, genesisValidators, block) {
  const schedule = validatorSchedule(genesisValidators);
  let inForceFrom = 1n;
  for (const [i, proof] of setChanges.entries()) {
    let header;
    try {
      header = decode('BlockHeader', proof.header);
    } catch {
      return { problem: `Set change ${i + 1} is not a valid block header.` };
    }
    const headerHeight = BigInt(header.height);
    const change = header.validatorChange;
    const problem = header.chainId !== chainId ? `it is for chain '${header.chainId}'`
      : !change ? 'its header announces no change of validators'
        : headerHeight < inForceFrom ? `it is at height ${headerHeight}, before the change it follows took effect at ${inForceFrom}`
          : validatorChangeProblem(change, headerHeight)
            ?? (BigInt(change.activationHeight) > height ? `it takes effect at height ${change.activationHeight}, after ${block}` : null)
            ?? commitCertificateProblem(proof.certificate, schedule.at(headerHeight), chainId, headerHeight, sha256(proof.header));
    if (problem) {
      return { problem: `Set change ${i + 1} does not verify: ${problem}.` };
    }
    schedule.add(change);
    inForceFrom = BigInt(change.activationHeight);
  }
  return { schedule };
}

// Consensus/Pbft/CommitCertificates.cs Problem: the one check of a commit certificate, for the receipt's block and
// for each block that announced a change of validators. `validators` are the keys in force at `height`.
export function commitCertificateProblem(certificate, validators, chainId, height, blockHash) {
  if (!certificate) {
    return 'the block carries no commit certificate';
  }
  if (certificate.height !== height) {
    return `the certificate is for height ${certificate.height}, not ${height}`;
  }
  if (!equalBytes(certificate.blockHash, blockHash)) {
    return 'the certificate is for another block hash';
  }
  return quorumProblem(certificate, validators, chainId, height, blockHash);
}

// Consensus/Pbft/CommitCertificates.cs: distinct existing validators, each signature valid over the commit message,
// and at least a quorum of them (n = 3f + 1 tolerates f; the quorum is ⌊(n + f + 2) / 2⌋).
function quorumProblem(certificate, validators, chainId, height, blockHash) {
  const message = commitMessage(chainId, height, certificate.view, blockHash);
  const signers = new Set();
  for (const { validatorIndex, signature } of certificate.signatures) {
    if (validatorIndex >= BigInt(validators.length)) {
      return `a commit signature names validator ${validatorIndex}, which does not exist`;
    }
    if (signers.has(validatorIndex)) {
      return `validator ${validatorIndex} signs the commit certificate twice`;
    }
    signers.add(validatorIndex);
    if (!verifySignature(signature, message, validators[Number(validatorIndex)])) {
      return `the commit signature of validator ${validatorIndex} does not verify`;
    }
  }
  const maxFaulty = Math.floor((validators.length - 1) / 3);
  const quorum = Math.floor((validators.length + maxFaulty + 2) / 2);
  return signers.size >= quorum ? null : `the commit certificate holds ${signers.size} signatures; a quorum is ${quorum}`;
}

// Consensus/Pbft/MessageSigning.cs: domain, step, length-prefixed chain id, height and view big-endian,
// length-prefixed hash, extra (0 for a commit) big-endian.
function commitMessage(chainId, height, view, blockHash) {
  const chain = utf8(chainId);
  return concat(PbftDomain, Uint8Array.of(CommitStep, chain.length), chain, u64(height, false), u64(view, false),
    Uint8Array.of(blockHash.length), blockHash, u64(0, false));
}

/**
 * Ed25519 verification as libsodium does it on the node (crypto_sign_verify_detached): s below the group order,
 * R and A canonical encodings of points that are not of small order, and the cofactorless equation
 * [s]B − [k]A = R checked on the encodings, with k = SHA-512(R ‖ A ‖ M) mod L. A cofactored check ([8] applied)
 * would accept an R carrying a torsion component, and a small-order R with s = k·a satisfies the equation without
 * binding anything; the node accepts neither, so neither may the page. → true or false; never throws.
 */
export function verifySignature(signature, message, publicKey) {
  if (!(signature instanceof Uint8Array) || signature.length !== 64 || !(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    return false;
  }
  try {
    const rBytes = signature.subarray(0, 32);
    const s = bytesToNumberLE(signature.subarray(32));
    if (s >= EdPoint.Fn.ORDER) {
      return false;
    }
    const a = EdPoint.fromBytes(publicKey, false);
    const r = EdPoint.fromBytes(rBytes, false);
    if (a.isSmallOrder() || r.isSmallOrder() || !equalBytes(a.toBytes(), publicKey)) {
      return false;
    }
    const k = bytesToNumberLE(sha512(concat(rBytes, publicKey, message))) % EdPoint.Fn.ORDER;
    const check = EdPoint.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
    return equalBytes(check.toBytes(), rBytes);
  } catch {
    return false; // not a point: no signature verifies with it
  }
}
