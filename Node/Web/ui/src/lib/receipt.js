// A vote receipt checked in the browser against the genesis validators, trusting no node: the same checks, in the
// same order and with the same sentences, as Networking/Api/ReceiptVerifier.cs, laid out as the five named checks
// of `votechain receipt` (Node/Cli/Verify/ReceiptChecks.cs). The first problem fails its check; the checks before
// it passed and the ones after it were not reached. On a chain whose validators changed, the set that certified the
// receipt's block is learned like a light client's, from genesis through each certified header the receipt carries
// that announced a change (docs/GOVERNANCE.md); a problem on that walk fails the certificate check.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, fixedHex, fromHex, hex, toU64, u64, utf8 } from './bytes.js';
import { decodeTransaction, fromBase64, trustedValidators } from './codec.js';
import { decode } from './protos.js';
import { verifyInclusion } from './merkle.js';
import { validatorChangeProblem, validatorSchedule } from './validator-schedule.js';

const Checks = [
  ['tx_id', 'transaction id is the SHA-256 of the envelope'],
  ['header', 'block header is for this chain, at the receipt\'s height'],
  ['inclusion', 'Merkle proof places the transaction under the header\'s tx root'],
  ['block_hash', 'header hash is the block hash the commit certificate names'],
  ['certificate', 'commit certificate is signed by a quorum of the validators in force, followed from genesis through each set change'],
];

const EdPoint = ed25519.Point;
const PbftDomain = utf8('votechain/v1/pbft\0');
const CommitStep = 4; // Consensus/Pbft/SignStep.cs

/**
 * → {ok, checks: [{name, description, result: 'ok'|'FAILED'|'not checked', problem?}]}.
 *
 * `options.txId` (hex or 32 bytes) is the transaction the voter submitted. Give it whenever there is one: the five
 * checks prove only that the receipt's own transaction committed, and a lying node can answer with the genuine
 * receipt of another voter's transaction. With it, the tx_id check also fails when the receipt is of another
 * transaction, as `votechain receipt --tx` does (Node/Cli/Verify/ReceiptCommand.cs).
 *
 * A genesis no chain could run on (no validators, a repeated or malformed key, an empty or over-long chain id)
 * throws an Error with one sentence before the receipt is read: it is the trust root that is wrong, not the receipt.
 */
export function verifyReceipt(receiptJson, genesis, { txId } = {}) {
  const validators = trustedValidators(genesis);
  let failure;
  try {
    failure = firstProblem(receiptJson, genesis.chainId, validators, txId);
  } catch (error) {
    // A receipt the JSON mapping cannot describe (wrong types, bad base64) fails the first check, never passes.
    failure = { check: 0, problem: `The receipt is not well-formed: ${error.message}` };
  }
  const failed = failure ? failure.check : Checks.length;
  return {
    ok: !failure,
    checks: Checks.map(([name, description], i) => ({
      name,
      description,
      result: i < failed ? 'ok' : i === failed ? 'FAILED' : 'not checked',
      ...(i === failed ? { problem: failure.problem } : {}),
    })),
  };
}

function firstProblem(json, chainId, validators, submittedTxId) {
  if (!json || typeof json !== 'object') {
    throw new Error('it is not a JSON object');
  }
  const receipt = {
    txId: bytes(json.txId),
    height: long(json.height),
    position: long(json.position),
    header: bytes(json.header),
    proof: (json.proof ?? []).map(bytes),
    treeSize: long(json.treeSize),
    certificate: commitCertificate(json.certificate),
    envelope: bytes(json.envelope),
    setChanges: (json.setChanges ?? []).map((c) => ({ header: bytes(c?.header), certificate: commitCertificate(c?.certificate) })),
  };
  return txIdProblem(receipt, submittedTxId) ?? headerAndLater(receipt, chainId, validators);
}

function txIdProblem(receipt, submittedTxId) {
  if (submittedTxId !== undefined && submittedTxId !== null) {
    const submitted = submittedTxId instanceof Uint8Array ? submittedTxId : fixedHex(submittedTxId, 32);
    if (!submitted || submitted.length !== 32) {
      return fail(0, 'The transaction id to check the receipt against is not 32 bytes of hex.');
    }
    if (!equalBytes(receipt.txId, submitted)) {
      return fail(0, `The node answered with a receipt for transaction ${hex(receipt.txId)}, not ${hex(submitted)}.`);
    }
  }
  if (receipt.txId.length !== 32) {
    return fail(0, `The receipt's transaction id is ${receipt.txId.length} bytes, not 32.`);
  }
  return equalBytes(sha256(receipt.envelope), receipt.txId) ? null : fail(0, 'The receipt\'s envelope does not hash to its transaction id.');
}

function headerAndLater(receipt, chainId, validators) {
  let header;
  try {
    header = decode('BlockHeader', receipt.header);
  } catch {
    return fail(1, 'The receipt\'s block header is not valid protobuf.');
  }
  const headerHeight = BigInt(header.height);
  if (header.chainId !== chainId) {
    return fail(1, `The block header is for chain '${header.chainId}', not '${chainId}'.`);
  }
  if (headerHeight !== receipt.height) {
    return fail(1, `The block header is at height ${headerHeight}, but the receipt says ${receipt.height}.`);
  }
  if (receipt.treeSize !== BigInt(header.txCount)) {
    return fail(2, `The proof is for a tree of ${receipt.treeSize} transactions, but the block holds ${header.txCount}.`);
  }
  if (receipt.position >= receipt.treeSize) {
    return fail(2, `The receipt puts the transaction at position ${receipt.position} of a block of ${receipt.treeSize}.`);
  }
  if (!verifyInclusion(fromHex(header.txRoot), receipt.txId, receipt.position, receipt.treeSize, receipt.proof)) {
    return fail(2, `The Merkle proof does not place the transaction at position ${receipt.position} under the block's tx_root.`);
  }
  return certificateProblem(receipt, headerHeight, chainId, validators);
}

function certificateProblem(receipt, headerHeight, chainId, validators) {
  const { certificate } = receipt;
  if (!certificate) {
    return fail(3, 'The receipt carries no commit certificate.');
  }
  const blockHash = sha256(receipt.header);
  if (!equalBytes(blockHash, certificate.blockHash)) {
    return fail(3, 'The commit certificate is for another block: its hash differs from the SHA-256 of the receipt\'s header.');
  }
  if (certificate.height !== headerHeight) {
    return fail(3, `The commit certificate is for height ${certificate.height}, but the header is at height ${headerHeight}.`);
  }
  const walk = scheduleProblem(receipt.setChanges, headerHeight, chainId, validators);
  if (walk.problem) {
    return fail(4, walk.problem);
  }
  const problem = commitCertificateProblem(certificate, walk.schedule.at(headerHeight), chainId, headerHeight, blockHash);
  return problem ? fail(4, `The commit certificate does not verify: ${problem}.`) : null;
}

// ReceiptVerifier.ScheduleProblem: the sets in force up to the receipt's height, from genesis's through each change
// the receipt carries, oldest first. Each announcing header must be certified by the set in force at its own height
// (known from the changes before it) and its change must be in force by the receipt's height. Leaving a change out
// makes the receipt's own certificate fail: it was signed by a set the walk never reached. → {schedule} or {problem}.
function scheduleProblem(setChanges, height, chainId, genesisValidators) {
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
            ?? (BigInt(change.activationHeight) > height ? `it takes effect at height ${change.activationHeight}, after the receipt's block` : null)
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
function commitCertificateProblem(certificate, validators, chainId, height, blockHash) {
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

/**
 * What a receipt is a receipt of, read from its envelope, so a page checking a pasted receipt can say so:
 * {txId (SHA-256 of the envelope, hex), kind (the payload's oneof, e.g. 'castVote'), chainId, electionId,
 * signer (hex), and for a plain vote option (its index) and sequence}. It says nothing about whether the receipt
 * verifies: that is verifyReceipt's job. Throws with one sentence when the envelope is not a transaction.
 */
export function describeReceipt(receiptJson) {
  let transaction;
  try {
    transaction = decodeTransaction(bytes(receiptJson?.envelope));
  } catch {
    throw new Error('The receipt\'s envelope is not a transaction.');
  }
  if (!transaction.kind) {
    throw new Error('The receipt\'s envelope holds no transaction.');
  }
  const { payload } = transaction;
  return {
    txId: transaction.id,
    kind: transaction.kind,
    chainId: transaction.chainId,
    electionId: typeof payload.electionId === 'string' ? payload.electionId : null,
    signer: transaction.signer,
    ...(transaction.kind === 'castVote' ? { option: payload.option, sequence: payload.sequence } : {}),
  };
}

function fail(check, problem) {
  return { check, problem };
}

// proto3 JSON: bytes as base64, 64-bit integers as decimal strings (32-bit as numbers); absent means the default.
function bytes(value) {
  if (value === undefined || value === null) {
    return new Uint8Array(0);
  }
  return fromBase64(value);
}

function long(value) {
  return value === undefined || value === null ? 0n : toU64(value);
}

// A CommitCertificate in proto3 JSON, or null when absent.
function commitCertificate(json) {
  if (json === undefined || json === null) {
    return null;
  }
  return {
    height: long(json.height),
    view: long(json.view),
    blockHash: bytes(json.blockHash),
    signatures: (json.signatures ?? []).map((s) => ({ validatorIndex: long(s.validatorIndex), signature: bytes(s.signature) })),
  };
}
