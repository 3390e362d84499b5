// Small byte helpers shared by the codec, vote and receipt modules: concatenation, UTF-8, fixed-width integers
// (the C# side writes them with BinaryPrimitives) and a constant-time comparison for hashes.

const encoder = new TextEncoder();

export function hex(bytes) {
  let out = '';
  for (const b of bytes) {
    out += b.toString(16).padStart(2, '0');
  }
  return out;
}

export function fromHex(text) {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new Error('The value is not hexadecimal text of whole bytes.');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/** Exactly `size` bytes written as hex, or null: for keys and seeds read from files. */
export function fixedHex(text, size) {
  return typeof text === 'string' && text.length === 2 * size && /^[0-9a-fA-F]*$/.test(text) ? fromHex(text) : null;
}

export function utf8(text) {
  return encoder.encode(text);
}

export function concat(...parts) {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An unsigned 64-bit integer (number, bigint or decimal string) as 8 bytes, little-endian or big-endian. */
export function u64(value, littleEndian) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, toU64(value), littleEndian);
  return out;
}

/** A uint64 from a number, bigint or decimal string (as proto3 JSON writes 64-bit integers); throws when out of range. */
export function toU64(value) {
  let big;
  if (typeof value === 'bigint') {
    big = value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    big = BigInt(value);
  } else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) {
    big = BigInt(value);
  } else if (value && typeof value === 'object' && typeof value.toString === 'function' && 'low' in value) {
    big = BigInt.asUintN(64, BigInt(value.toString())); // a long.js Long from protobufjs
  } else {
    throw new Error(`${String(value)} is not an unsigned 64-bit integer.`);
  }
  if (big < 0n || big > 0xffffffffffffffffn) {
    throw new Error(`${String(value)} is not an unsigned 64-bit integer.`);
  }
  return big;
}

/** Equality of two byte arrays whose time does not depend on where they differ (only on their lengths). */
export function equalBytes(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    diff |= a[i] ^ b[i];
  }
  return diff === 0;
}
