// Bytes as text (hex, base64) and the chain's messages as the pages read them: a block with its header, hash,
// certificate and decoded transactions, and the genesis (from the node's bytes or from a genesis.json file) with
// the hash the chain is known by. Hashes are SHA-256 over the exact bytes, as on the node.
import { sha256 } from '@noble/hashes/sha2.js';
import { fixedHex, fromHex, hex } from './bytes.js';
import { decode, encode } from './protos.js';

export { hex, fromHex } from './bytes.js';

export function fromBase64(text) {
  // proto3 JSON writers may use the URL-safe alphabet and may leave out the padding; readers accept both.
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    throw new Error('The value is not base64 text.');
  }
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) {
    throw new Error('The value is not base64 text.');
  }
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    out[i] = binary.charCodeAt(i);
  }
  return out;
}

export function toBase64(bytes) {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary);
}

/** A serialized Block (as GET /v1/blocks returns it, base64-decoded) with everything in it decoded. */
export function decodeBlock(bytes) {
  const block = decode('Block', bytes);
  const headerBytes = fromHex(block.header);
  const header = decode('BlockHeader', headerBytes);
  const certificate = block.certificate
    ? {
        height: Number(block.certificate.height),
        view: Number(block.certificate.view),
        blockHash: block.certificate.blockHash,
        signatures: block.certificate.signatures.map((s) => ({ validatorIndex: s.validatorIndex, signature: s.signature })),
      }
    : null;
  return {
    header: {
      chainId: header.chainId,
      height: Number(header.height),
      previousHash: header.previousHash,
      timeUnixMs: Number(header.timeUnixMs),
      txRoot: header.txRoot,
      stateRoot: header.stateRoot,
      proposerIndex: header.proposerIndex,
      txCount: header.txCount,
    },
    hash: hex(sha256(headerBytes)),
    certificate,
    transactions: block.transactions.map((envelopeHex) => decodeTransaction(fromHex(envelopeHex))),
  };
}

/** One envelope: its id (SHA-256 of the bytes), signer and payload; the signature is the node's to check. */
export function decodeTransaction(envelopeBytes) {
  const envelope = decode('TxEnvelope', envelopeBytes);
  const payload = decode('TxPayload', fromHex(envelope.payload));
  const kind = payload.kind ?? null;
  return { id: hex(sha256(envelopeBytes)), signer: envelope.signer, kind, chainId: payload.chainId, payload: kind ? payload[kind] : null };
}

/** A serialized Genesis (GET /v1/genesis): its hash is over exactly these bytes. */
export function decodeGenesis(bytes) {
  const genesis = decode('Genesis', bytes);
  return {
    chainId: genesis.chainId,
    genesisTimeUnixMs: Number(genesis.genesisTimeUnixMs),
    validators: genesis.validators.map((v) => ({ name: v.name, publicKey: v.publicKey, endpoint: v.endpoint })),
    authorities: genesis.authorities,
    hash: hex(sha256(bytes)),
  };
}

/**
 * A genesis.json file as `votechain genesis` writes it (Node/Genesis/GenesisFile.cs: snake_case, hex keys, an
 * ISO-8601 genesis_time), turned into the Genesis message and hashed over its canonical binary encoding, so a voter
 * who holds the file gets the same hash the chain is known by. Throws with one sentence on a malformed file.
 */
export function genesisFromJsonFile(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The genesis file is not valid JSON.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error('The genesis file does not hold a genesis object.');
  }
  const { validators, authorities } = json;
  if (typeof json.chain_id !== 'string' || !json.chain_id || !Array.isArray(validators) || !Array.isArray(authorities)) {
    throw new Error('The genesis file lacks chain_id, validators or authorities.');
  }
  const params = json.params ?? {};
  const message = {
    chainId: json.chain_id,
    genesisTimeUnixMs: parseGenesisTime(json.genesis_time),
    validators: validators.map((v, i) => {
      if (!v || typeof v !== 'object' || typeof v.name !== 'string' || typeof v.endpoint !== 'string') {
        throw new Error(`validators[${i}] in the genesis file is not a validator with a name, a key and an endpoint.`);
      }
      return {
        name: v.name,
        publicKey: key32(v.public_key, `validators[${i}].public_key`),
        endpoint: v.endpoint,
        trusteeKey: v.trustee_key == null ? undefined : key32(v.trustee_key, `validators[${i}].trustee_key`),
      };
    }),
    authorities: authorities.map((a, i) => key32(a, `authorities[${i}]`)),
    // Google.Protobuf writes params even when every value is zero: the file always carries the object.
    params: {
      maxBlockBytes: uint32(params.max_block_bytes, 'max_block_bytes'),
      maxBlockTxs: uint32(params.max_block_txs, 'max_block_txs'),
      proposeTimeoutMs: uint32(params.propose_timeout_ms, 'propose_timeout_ms'),
      blockIntervalMs: uint32(params.block_interval_ms, 'block_interval_ms'),
      maxClockDriftMs: uint32(params.max_clock_drift_ms, 'max_clock_drift_ms'),
    },
  };
  return decodeGenesis(encode('Genesis', message));
}

function key32(text, what) {
  const key = fixedHex(text, 32);
  if (!key) {
    throw new Error(`${what} in the genesis file is not a 32-byte key in hex.`);
  }
  return key;
}

function uint32(value, what) {
  if (value === undefined) {
    return 0;
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`params.${what} in the genesis file is not an unsigned 32-bit integer.`);
  }
  return value;
}

// As Node/Genesis/GenesisTime.cs: date and time required, up to 7 fraction digits, an optional Z or ±hh:mm offset
// (none means UTC); the chain keeps milliseconds, so finer digits are dropped.
function parseGenesisTime(text) {
  const match = typeof text === 'string'
    ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text)
    : null;
  if (!match) {
    throw new Error(`genesis_time in the genesis file is not an ISO-8601 time such as 2025-01-31T12:00:00Z.`);
  }
  const [, y, mo, d, h, mi, s, fraction = '', offset = 'Z'] = match;
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(local);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    throw new Error(`genesis_time in the genesis file is not a real date and time.`);
  }
  const offsetMinutes = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (+offset.slice(1, 3) * 60 + +offset.slice(4, 6));
  return local - offsetMinutes * 60_000 + Number(fraction.padEnd(3, '0').slice(0, 3));
}
