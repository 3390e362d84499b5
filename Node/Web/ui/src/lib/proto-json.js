// Reading the node's proto3 JSON (Google.Protobuf's JsonFormatter) for the receipt checks: bytes as base64, 64-bit
// integers as decimal strings (32-bit as numbers); an absent field is the default. Each reader throws one sentence
// on a value of the wrong type, which the caller reports as a malformed receipt.
import { toU64 } from './bytes.js';
import { fromBase64 } from './codec.js';

export function jsonBytes(value) {
  if (value === undefined || value === null) {
    return new Uint8Array(0);
  }
  return fromBase64(value);
}

export function jsonLong(value) {
  return value === undefined || value === null ? 0n : toU64(value);
}

/** A CommitCertificate, or null when absent. */
export function jsonCertificate(json) {
  if (json === undefined || json === null) {
    return null;
  }
  return {
    height: jsonLong(json.height),
    view: jsonLong(json.view),
    blockHash: jsonBytes(json.blockHash),
    signatures: jsonArray(json.signatures).map((s) => ({ validatorIndex: jsonLong(s?.validatorIndex), signature: jsonBytes(s?.signature) })),
  };
}

/** A repeated SetChangeProof: [{header, certificate}]. */
export function jsonSetChanges(value) {
  return jsonArray(value).map((c) => ({ header: jsonBytes(c?.header), certificate: jsonCertificate(c?.certificate) }));
}

/** A repeated field: an array, or [] when absent. */
export function jsonArray(value) {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new Error('a repeated field is not an array');
  }
  return value;
}
