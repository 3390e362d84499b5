// A voter's key as the page loads it: either a key file from `votechain keys gen` (Node/Keys/KeyFile.cs) or an
// anonymous credential file from `votechain credential request` (Node/Anonymous/CredentialFile.cs), which holds
// its key the same way plus the election and weight it was issued for. The public key must belong to the seed, as
// the CLI checks, so a damaged or mixed-up file is refused before anything is signed with it.
import { ed25519 } from '@noble/curves/ed25519.js';
import { equalBytes, fixedHex } from './bytes.js';

const KeyType = 'ed25519';
const CredentialType = 'votechain-credential';
const MaxFileChars = 64 * 1024;

/** → {publicKey, seed, electionId?, weight?, kind: 'key'|'anonymous'}; throws an Error with a one-sentence message. */
export function parseCredentialFile(text) {
  if (typeof text !== 'string' || text.length > MaxFileChars) {
    throw new Error('This is not a key or credential file: it is empty or far too large.');
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('This is not a key or credential file: it is not valid JSON.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('This is not a key or credential file: it holds no JSON object.');
  }
  if (json.type === KeyType) {
    return { ...keyOf(json, 'key file'), kind: 'key' };
  }
  if (json.type === CredentialType) {
    return anonymous(json);
  }
  if (json.type === undefined) {
    throw new Error('This is not a key or credential file: it names no type.');
  }
  throw new Error(`This is not a key or credential file: its type is '${printable(json.type)}', not '${KeyType}' or '${CredentialType}'.`);
}

function anonymous(json) {
  const key = keyOf(json, 'credential file');
  if (typeof json.election_id !== 'string' || json.election_id.length === 0) {
    throw new Error('The credential file names no election.');
  }
  if (!Number.isSafeInteger(json.weight) || json.weight < 0) {
    throw new Error('The credential file\'s weight is not a whole number.');
  }
  if (!Array.isArray(json.issuers) || json.issuers.length === 0 || json.issuers.some((i) => !i || typeof i.signature !== 'string' || !i.signature)) {
    throw new Error('The credential is not finished: not every issuer has signed it yet (run `votechain credential request` again).');
  }
  // A registered weight of 0 means the default 1, as on the chain.
  return { ...key, electionId: json.election_id, weight: Math.max(json.weight, 1), kind: 'anonymous' };
}

function keyOf(json, what) {
  const seed = hex32(json.private_seed, `private_seed in the ${what}`);
  const publicKey = hex32(json.public_key, `public_key in the ${what}`);
  if (!equalBytes(ed25519.getPublicKey(seed), publicKey)) {
    throw new Error(`The ${what} is inconsistent: its public_key does not belong to its private_seed.`);
  }
  return { publicKey, seed };
}

function hex32(text, what) {
  const bytes = fixedHex(text, 32);
  if (!bytes) {
    throw new Error(`The ${what} is not 32 bytes of hex.`);
  }
  return bytes;
}

function printable(value) {
  const text = String(value);
  return (text.length > 40 ? `${text.slice(0, 40)}...` : text).replace(/[\u0000-\u001f\u007f]/g, '?');
}
