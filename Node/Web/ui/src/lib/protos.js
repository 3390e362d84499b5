// The repository's .proto files, parsed at run time into one protobufjs Root (esbuild imports them as text), and
// the canonical encoder: proto3 as Google.Protobuf writes it, fields in number order and no field at its default
// value. The node refuses an envelope that does not re-serialize to the same bytes, and hashes (genesis, block,
// transaction id) are over the bytes, so "almost the same encoding" is not good enough.
import protobuf from 'protobufjs';
import transactionProto from '../../../../../Protos/votechain/v1/transaction.proto';
import blockProto from '../../../../../Protos/votechain/v1/block.proto';
import genesisProto from '../../../../../Protos/votechain/v1/genesis.proto';
import stateProto from '../../../../../Protos/votechain/v1/state.proto';

const root = new protobuf.Root();
for (const text of [transactionProto, blockProto, genesisProto, stateProto]) {
  // Imports name files of this same set, all parsed into this root, so they need no resolution of their own.
  protobuf.parse(text, root, { keepCase: false });
}
root.resolveAll();

/** The message type votechain.v1.<name>. */
export function type(name) {
  return root.lookupType(`votechain.v1.${name}`);
}

/**
 * Encodes a plain object (lowerCamelCase field names, bytes as Uint8Array, 64-bit integers as number, bigint or
 * decimal string) canonically. Unknown field names are refused rather than silently dropped.
 */
export function encode(typeName, object) {
  const messageType = type(typeName);
  return messageType.encode(messageType.fromObject(canonical(messageType, object))).finish();
}

// Copies the object keeping only fields that differ from their proto3 default; a set sub-message stays even when
// empty (Google.Protobuf writes it), and a oneof member stays only if it is the one set.
function canonical(messageType, object) {
  const out = {};
  for (const [key, value] of Object.entries(object)) {
    const field = messageType.fields[key];
    if (!field) {
      throw new Error(`${messageType.name} has no field '${key}'.`);
    }
    if (value === undefined || value === null) {
      continue;
    }
    field.resolve();
    const message = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    if (field.repeated) {
      if (value.length > 0) {
        out[key] = message ? value.map((v) => canonical(message, v)) : value.map(longText);
      }
    } else if (message) {
      out[key] = canonical(message, value);
    } else if (!isDefault(value)) {
      out[key] = longText(value);
    }
  }
  return out;
}

function isDefault(value) {
  if (value instanceof Uint8Array || typeof value === 'string') {
    return value.length === 0;
  }
  if (typeof value === 'bigint') {
    return value === 0n;
  }
  return value === 0 || value === false || value === '0';
}

// protobufjs takes 64-bit integers as number or decimal string; a bigint becomes its exact decimal text.
function longText(value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Decodes bytes as a message and returns a plain object: every field present (defaults filled), 64-bit integers as
 * decimal strings, bytes as lower-case hex, oneofs named by a virtual field (e.g. kind: 'castVote').
 */
export function decode(typeName, bytes) {
  const messageType = type(typeName);
  const message = messageType.decode(bytes);
  const object = messageType.toObject(message, { longs: String, enums: String, bytes: Array, defaults: true, oneofs: true });
  return hexBytes(messageType, object);
}

function hexBytes(messageType, object) {
  for (const field of messageType.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || value === null) {
      continue;
    }
    const message = field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
    const convert = field.type === 'bytes' ? toHex : message ? (v) => hexBytes(message, v) : null;
    if (convert) {
      object[field.name] = field.repeated ? value.map(convert) : convert(value);
    }
  }
  return object;
}

function toHex(array) {
  let out = '';
  for (const b of array) {
    out += b.toString(16).padStart(2, '0');
  }
  return out;
}
