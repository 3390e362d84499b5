// A vote receipt checked in the browser against the genesis validators, trusting no node: the same checks, in the
// same order and with the same sentences, as Networking/Api/ReceiptVerifier.cs, laid out as the five named checks
// of `votechain receipt` (Node/Cli/Verify/ReceiptChecks.cs). The first problem fails its check; the checks before
// it passed and the ones after it were not reached. On a chain whose validators changed, the set that certified the
// receipt's block is learned like a light client's, from genesis through each certified header the receipt carries
// that announced a change (docs/GOVERNANCE.md); a problem on that walk fails the certificate check.
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fixedHex, fromHex, hex } from './bytes.js';
import { decodeTransaction, trustedValidators } from './codec.js';
import { decode } from './protos.js';
import { verifyInclusion } from './merkle.js';
import { commitCertificateProblem, scheduleProblem } from './certificates.js';
import { jsonArray, jsonBytes as bytes, jsonCertificate as commitCertificate, jsonLong as long, jsonSetChanges } from './proto-json.js';

export { verifySignature } from './certificates.js';

const Checks = [
  ['tx_id', 'transaction id is the SHA-256 of the envelope'],
  ['header', 'block header is for this chain, at the receipt\'s height'],
  ['inclusion', 'Merkle proof places the transaction under the header\'s tx root'],
  ['block_hash', 'header hash is the block hash the commit certificate names'],
  ['certificate', 'commit certificate is signed by a quorum of the validators in force, followed from genesis through each set change'],
];

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
    proof: jsonArray(json.proof).map(bytes),
    treeSize: long(json.treeSize),
    certificate: commitCertificate(json.certificate),
    envelope: bytes(json.envelope),
    setChanges: jsonSetChanges(json.setChanges),
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
  const walk = scheduleProblem(receipt.setChanges, headerHeight, chainId, validators, 'the receipt\'s block');
  if (walk.problem) {
    return fail(4, walk.problem);
  }
  const problem = commitCertificateProblem(certificate, walk.schedule.at(headerHeight), chainId, headerHeight, blockHash);
  return problem ? fail(4, `The commit certificate does not verify: ${problem}.`) : null;
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
