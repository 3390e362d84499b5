// Whether a receipt's vote is the ballot counted for its credential, proven in the page with the genesis alone: the
// page's copy of Networking/Api/StandingVerifier.cs, CertifiedHeaders.cs, ProvenRecords.cs and the rule of
// ReceiptStanding.cs, in the same order and with the same sentences, so the C# tests hold one to the other. The
// standing's header is certified by the set in force at its height, walked from genesis through the receipt's set
// changes and then the standing's own (certificates.js); the credential's record and ballot are proven present or
// absent under that header's state root (state-proof.js) at the key the page builds from the envelope, never the
// node's; then the records are judged. Pure: no I/O, no clock.
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromHex, hex } from './bytes.js';
import { decodeTransaction, trustedValidators } from './codec.js';
import { commitCertificateProblem, scheduleProblem } from './certificates.js';
import { decode } from './protos.js';
import { jsonBytes, jsonCertificate, jsonLong, jsonSetChanges } from './proto-json.js';
import { credentialKey, readStateProof, StateColumn, stateProofProblem } from './state-proof.js';

/**
 * The proven standing of `receiptJson` (proto3 JSON, as GET /v1/receipts/{id} answers or a saved file holds it),
 * checked against `genesis` ({chainId, validators: [{publicKey}]}). → null when the receipt carries no proven
 * standing or is not of a vote (then only the node's `standing` speaks); otherwise
 * {kind, sentence, height?, replacedByTxId?, replacedAtHeight?, replacementCredential?, problem?}, kind one of
 * 'counted' (this vote is the ballot counted at `height`), 'replaced' (a later ballot, `replacedByTxId` at
 * `replacedAtHeight`, replaced it), 'revoked' (the credential was revoked; `replacementCredential` when one was named),
 * 'none' (the chain holds no registration or no ballot for the credential), 'contradicted' (the ballot names this
 * transaction but other ciphertexts) or 'failed' (`problem` says why in one sentence). `height` (decimal text) is the
 * standing header's: what it proves held then. `sentence` is ReceiptStanding's verdict, word for word.
 */
export function verifyStanding(receiptJson, genesis) {
  // A genesis no chain could run on throws its sentence first, as verifyReceipt does: the trust root is wrong, not
  // the receipt.
  const validators = trustedValidators(genesis);
  const standing = receiptJson?.provenStanding;
  if (standing === undefined || standing === null) {
    return null;
  }
  const vote = readVote(receiptJson.envelope);
  if (!vote) {
    return null;
  }
  let problem;
  let verdict = null;
  try {
    ({ problem, verdict } = judge(receiptJson, standing, vote, genesis.chainId, validators));
  } catch (error) {
    problem = `The proven standing is not well-formed: ${error.message}`;
  }
  return verdict ?? { kind: 'failed', problem, sentence: `FAILED: the proven standing does not verify: ${problem}` };
}

function judge(receiptJson, standing, vote, chainId, validators) {
  // The key is built from the envelope, so the envelope must be the receipt's transaction.
  const txId = jsonBytes(receiptJson.txId);
  if (!equalBytes(sha256(vote.envelope), txId)) {
    return { problem: 'The receipt\'s envelope does not hash to its transaction id.' };
  }
  const changes = [...jsonSetChanges(receiptJson.setChanges), ...jsonSetChanges(standing.setChanges)];
  const certified = certifiedHeader(jsonBytes(standing.header), jsonCertificate(standing.certificate), changes, chainId, validators);
  if (certified.problem) {
    return certified;
  }
  const height = BigInt(certified.header.height);
  const voteHeight = jsonLong(receiptJson.height);
  if (height < voteHeight) {
    return { problem: `The proven standing is at height ${height}, before the vote's block ${voteHeight}.` };
  }
  const key = credentialKey(vote.electionId, vote.signer);
  const root = fromHex(certified.header.stateRoot);
  const credential = provenRecord(root, StateColumn.Credentials, key, standing.credential, 'CredentialRecord', 'credential record');
  if (credential.problem) {
    return credential;
  }
  const ballot = provenRecord(root, StateColumn.Ballots, key, standing.ballot, 'BallotRecord', 'ballot record');
  if (ballot.problem) {
    return ballot;
  }
  return { verdict: verdictOf(hex(txId), vote, credential.record, ballot.record, height) };
}

// CertifiedHeaders.Problem: a header of this chain whose certificate a quorum of the set in force at its height
// signed, that set walked from genesis through `changes`. → {header} (decoded) or {problem}.
function certifiedHeader(headerBytes, certificate, changes, chainId, validators) {
  let header;
  try {
    header = decode('BlockHeader', headerBytes);
  } catch {
    return { problem: 'The proven block header is not valid protobuf.' };
  }
  if (header.chainId !== chainId) {
    return { problem: `The proven block header is for chain '${header.chainId}', not '${chainId}'.` };
  }
  const height = BigInt(header.height);
  const walk = scheduleProblem(changes, height, chainId, validators, 'the proven block');
  if (walk.problem) {
    return walk;
  }
  const problem = commitCertificateProblem(certificate, walk.schedule.at(height), chainId, height, sha256(headerBytes));
  return problem ? { problem: `The proven block header's commit certificate does not verify: ${problem}.` } : { header };
}

// ProvenRecords.Problem: what `key` holds under `root` (a record, or nothing: record null) and that record decodes.
function provenRecord(root, column, key, proven, typeName, what) {
  if (proven?.proof === undefined || proven?.proof === null) {
    return { problem: `There is no proof of the ${what}.` };
  }
  const read = readStateProof(proven.proof);
  if (read.problem) {
    return { problem: `The proof of the ${what} is malformed: ${read.problem}` };
  }
  // `optional bytes`: present (even empty, a record at every default) or absent (the key holds nothing).
  const value = proven.record === undefined || proven.record === null ? null : jsonBytes(proven.record);
  const problem = stateProofProblem(root, column, key, value, read.proof);
  if (problem) {
    return { problem: `The proof of the ${what} fails: ${problem}` };
  }
  if (value === null) {
    return { record: null };
  }
  try {
    return { record: decode(typeName, value) };
  } catch {
    return { problem: `The proven ${what} is not a valid record.` };
  }
}

// ReceiptStanding.Judge with proven records: the one rule of whether this vote counts for its credential.
function verdictOf(txIdHex, vote, credential, ballot, height) {
  const at = { height: String(height) };
  if (!credential) {
    return { kind: 'none', sentence: 'no: the chain holds no registration for this vote\'s credential', ...at };
  }
  if (!ballot) {
    return { kind: 'none', sentence: 'no: the chain holds no ballot for this vote\'s credential', ...at };
  }
  const isThisVote = ballot.txId === txIdHex;
  const ciphertextsMatch = vote.ciphertexts === null ? null
    : vote.ciphertexts.length === ballot.ciphertexts.length && vote.ciphertexts.every((c, i) => c === ballot.ciphertexts[i]);
  if (isThisVote && ciphertextsMatch === false) {
    return {
      kind: 'contradicted',
      sentence: 'no: the chain\'s ballot for this credential names this transaction but holds other ciphertexts than it carries',
      ...at,
    };
  }
  if (!isThisVote) {
    return {
      kind: 'replaced',
      sentence: `no: a later vote of this credential (sequence ${ballot.sequence}, block ${ballot.height}, transaction ${ballot.txId}) replaced it`,
      replacedByTxId: ballot.txId,
      replacedAtHeight: ballot.height,
      ...at,
    };
  }
  if (credential.revoked || !ballot.counted) {
    const replacement = credential.replacedBy || null;
    return {
      kind: 'revoked',
      sentence: 'no: the credential was revoked, so its vote no longer counts'
        + (replacement ? ` (it was replaced by credential ${replacement})` : ''),
      ...(replacement ? { replacementCredential: replacement } : {}),
      ...at,
    };
  }
  return {
    kind: 'counted',
    sentence: vote.ciphertexts === null ? 'yes: it is the vote counted for its credential'
      : 'yes: its ciphertexts are the ones counted for its credential (the encrypted tally adds exactly these)',
    ...at,
  };
}

// ReceiptStanding.TryReadVote: the election, signer and (for a secret vote) ciphertexts of a vote envelope; null for
// other kinds and for bytes that do not decode.
function readVote(envelopeJson) {
  try {
    const envelope = jsonBytes(envelopeJson);
    const transaction = decodeTransaction(envelope);
    if (transaction.kind !== 'castVote' && transaction.kind !== 'castEncryptedVote') {
      return null;
    }
    return {
      envelope,
      electionId: transaction.payload.electionId,
      signer: fromHex(transaction.signer),
      ciphertexts: transaction.kind === 'castEncryptedVote' ? transaction.payload.ciphertexts : null,
    };
  } catch {
    return null;
  }
}
