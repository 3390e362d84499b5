// A vote receipt checked in the browser against the genesis validators, trusting no node: the same checks, in the
// same order and with the same sentences, as Networking/Api/ReceiptVerifier.cs, laid out as the five named checks
// of `votechain receipt` (Node/Cli/Verify/ReceiptChecks.cs). The first problem fails its check; the checks before
// it passed and the ones after it were not reached.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, fromHex, toU64, u64, utf8 } from './bytes.js';
import { fromBase64 } from './codec.js';
import { decode } from './protos.js';
import { verifyInclusion } from './merkle.js';

const Checks = [
  ['tx_id', 'transaction id is the SHA-256 of the envelope'],
  ['header', 'block header is for this chain, at the receipt\'s height'],
  ['inclusion', 'Merkle proof places the transaction under the header\'s tx root'],
  ['block_hash', 'header hash is the block hash the commit certificate names'],
  ['certificate', 'commit certificate is signed by a quorum of genesis validators'],
];

const PbftDomain = utf8('votechain/v1/pbft\0');
const CommitStep = 4; // Consensus/Pbft/SignStep.cs

/** → {ok, checks: [{name, description, result: 'ok'|'FAILED'|'not checked', problem?}]}. */
export function verifyReceipt(receiptJson, genesis) {
  let failure;
  try {
    failure = firstProblem(receiptJson, genesis);
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

function firstProblem(json, genesis) {
  if (!json || typeof json !== 'object') {
    throw new Error('it is not a JSON object');
  }
  const chainId = genesis.chainId;
  const validators = genesis.validators.map((v) => (typeof v.publicKey === 'string' ? fromHex(v.publicKey) : v.publicKey));
  const receipt = {
    txId: bytes(json.txId),
    height: long(json.height),
    position: long(json.position),
    header: bytes(json.header),
    proof: (json.proof ?? []).map(bytes),
    treeSize: long(json.treeSize),
    certificate: json.certificate ?? null,
    envelope: bytes(json.envelope),
  };
  return txIdProblem(receipt) ?? headerAndLater(receipt, chainId, validators);
}

function txIdProblem(receipt) {
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
  const json = receipt.certificate;
  if (!json) {
    return fail(3, 'The receipt carries no commit certificate.');
  }
  const certificate = {
    height: long(json.height),
    view: long(json.view),
    blockHash: bytes(json.blockHash),
    signatures: (json.signatures ?? []).map((s) => ({ validatorIndex: long(s.validatorIndex), signature: bytes(s.signature) })),
  };
  const blockHash = sha256(receipt.header);
  if (!equalBytes(blockHash, certificate.blockHash)) {
    return fail(3, 'The commit certificate is for another block: its hash differs from the SHA-256 of the receipt\'s header.');
  }
  if (certificate.height !== headerHeight) {
    return fail(3, `The commit certificate is for height ${certificate.height}, but the header is at height ${headerHeight}.`);
  }
  const problem = quorumProblem(certificate, validators, chainId, headerHeight, blockHash);
  return problem ? fail(4, `The commit certificate does not verify: ${problem}.`) : null;
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

function verifySignature(signature, message, publicKey) {
  try {
    // Strict RFC 8032 checks (no ZIP-215 leniency), like libsodium's verification on the node.
    return signature.length === 64 && ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
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
