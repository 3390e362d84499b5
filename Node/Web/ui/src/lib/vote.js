// A vote made in the browser: the payload encoded canonically, signed with the voter's seed as
// Consensus/Transactions/TxSigning.cs lays the message out, and wrapped in the envelope the node accepts. The seed
// never leaves this module's caller; only the envelope goes to the node. Encrypted ballots come from ballot.js.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, hex, toU64, utf8 } from './bytes.js';
import { createBallot, ballotBounds } from './ballot.js';
import { encode } from './protos.js';

const TxDomain = utf8('votechain/v1/tx\0');

/** A plaintext vote for `option` (index into the election's options) → {envelope: bytes, txId: hex}. */
export function castVote({ chainId, electionId, option, sequence, seed }) {
  if (!Number.isInteger(option) || option < 0 || option > 0xffffffff) {
    throw new Error(`The option ${String(option)} is not an option number.`);
  }
  return signed(chainId, seed, { castVote: { electionId: electionIdOf(electionId), option, sequence: sequenceOf(sequence) } });
}

/**
 * A secret election's vote: each option encrypted under the joint key (the weight if marked, 0 if not) with the
 * proofs the rules check (Consensus/Rules/SecretVoteRules.cs), bound to this chain, election, credential and weight.
 * `election` is the ElectionRecord as GET /v1/elections/{id} returns it; `marks` the chosen option indexes.
 */
export function castEncryptedVote({ chainId, electionId, sequence, seed, election, jointKey, weight, marks }) {
  const id = electionIdOf(electionId);
  const options = election?.definition?.options;
  if (!Array.isArray(options) || options.length === 0) {
    throw new Error(`The election record of '${id}' lists no options.`);
  }
  if (!election.secret) {
    throw new Error(`Election '${id}' is not a secret election: its votes are cast in the clear.`);
  }
  const { min, max } = ballotBounds(election.secret, options.length);
  const chosen = markedOptions(marks, options.length);
  if (chosen.size < min || chosen.size > max) {
    throw new Error(min === max
      ? `Election '${id}' takes exactly ${min} choice(s) per ballot; ${chosen.size} marked.`
      : `Election '${id}' takes ${min} to ${max} choices per ballot; ${chosen.size} marked.`);
  }
  const signer = ed25519.getPublicKey(seed);
  const ballot = createBallot({
    chainId, electionId: id, credential: signer, weight: weightOf(weight), jointKey,
    choices: options.map((_, i) => chosen.has(i)), min, max,
  });
  return signed(chainId, seed, {
    castEncryptedVote: {
      electionId: id,
      sequence: sequenceOf(sequence),
      ciphertexts: ballot.ciphertexts,
      optionProofs: ballot.optionProofs,
      sumProof: ballot.sumProof,
    },
  });
}

/** The exact bytes a transaction signature covers: domain, length-prefixed chain id, then the payload bytes. */
export function signingMessage(chainId, payloadBytes) {
  const chain = utf8(chainId);
  if (chain.length === 0 || chain.length > 255) {
    throw new Error('A chain id is 1 to 255 bytes.');
  }
  return concat(TxDomain, Uint8Array.of(chain.length), chain, payloadBytes);
}

function signed(chainId, seed, kind) {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new Error('The voter\'s seed is not 32 bytes.');
  }
  const payload = encode('TxPayload', { chainId, ...kind });
  const envelope = encode('TxEnvelope', {
    payload,
    signer: ed25519.getPublicKey(seed),
    signature: ed25519.sign(signingMessage(chainId, payload), seed),
  });
  return { envelope, txId: hex(sha256(envelope)) };
}

function electionIdOf(electionId) {
  if (typeof electionId !== 'string' || electionId.length === 0) {
    throw new Error('No election is named.');
  }
  return electionId;
}

// The rules want a sequence above the credential's last one; the first vote is 1, never 0.
function sequenceOf(sequence) {
  const value = toU64(sequence);
  if (value === 0n) {
    throw new Error('A vote\'s sequence number starts at 1.');
  }
  return value;
}

function weightOf(weight) {
  const value = toU64(weight ?? 1);
  return value === 0n ? 1n : value; // a registered weight of 0 means 1, as on the chain
}

function markedOptions(marks, optionCount) {
  if (!Array.isArray(marks)) {
    throw new Error('The marked options are not a list.');
  }
  const chosen = new Set();
  for (const mark of marks) {
    if (!Number.isInteger(mark) || mark < 0 || mark >= optionCount) {
      throw new Error(`The mark ${String(mark)} is not one of the election's ${optionCount} options.`);
    }
    if (chosen.has(mark)) {
      throw new Error(`Option ${mark} is marked twice.`);
    }
    chosen.add(mark);
  }
  return chosen;
}
