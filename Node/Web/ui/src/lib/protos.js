// The repository's .proto files, parsed at run time into one protobufjs Root (esbuild imports them as text), and a
// reflection-driven codec over protobufjs's Reader and Writer. protobufjs's own encode/decode/fromObject compile
// code with Function(), which the node's content policy (script-src 'self', no 'unsafe-eval') forbids, so this
// module walks the parsed types instead. It writes proto3 as Google.Protobuf does: fields in number order, no
// field at its default value, repeated numbers packed. The node refuses an envelope that does not re-serialize to
// the same bytes, and hashes (genesis, block, transaction id) are over the bytes.
import protobuf from 'protobufjs';
import transactionProto from '../../../../../Protos/votechain/v1/transaction.proto';
import blockProto from '../../../../../Protos/votechain/v1/block.proto';
import consensusProto from '../../../../../Protos/votechain/v1/consensus.proto';
import genesisProto from '../../../../../Protos/votechain/v1/genesis.proto';
import stateProto from '../../../../../Protos/votechain/v1/state.proto';
import { hex, toU64 } from './bytes.js';

const root = new protobuf.Root();
for (const text of [transactionProto, blockProto, consensusProto, genesisProto, stateProto]) {
  // Imports name files of this same set, all parsed into this root, so they need no resolution of their own.
  protobuf.parse(text, root, { keepCase: false });
}
root.resolveAll();

const MaxDepth = 32;
const LongTypes = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** The message type votechain.v1.<name>. */
export function type(name) {
  return root.lookupType(`votechain.v1.${name}`);
}

/**
 * Encodes a plain object (lowerCamelCase field names, bytes as Uint8Array, 64-bit integers as number, bigint or
 * decimal string, sub-messages as objects) canonically. Unknown field names are refused rather than dropped.
 */
export function encode(typeName, object) {
  const writer = protobuf.Writer.create();
  writeMessage(type(typeName), object, writer);
  return writer.finish();
}

function writeMessage(messageType, object, writer) {
  for (const key of Object.keys(object)) {
    if (!messageType.fields[key]) {
      throw new Error(`${messageType.name} has no field '${key}'.`);
    }
  }
  for (const field of sortedFields(messageType)) {
    const value = object[field.name];
    if (value === undefined || value === null) {
      continue;
    }
    const message = messageOf(field);
    if (field.repeated) {
      writeRepeated(field, message, value, writer);
    } else if (message) {
      // A set sub-message is written even when empty, as Google.Protobuf does.
      writer.uint32(tag(field.id, 2)).fork();
      writeMessage(message, value, writer);
      writer.ldelim();
    } else if (!isDefault(field, value)) {
      writer.uint32(tag(field.id, wireType(field)));
      writeScalar(field, value, writer);
    }
  }
}

function writeRepeated(field, message, values, writer) {
  if (!Array.isArray(values) || values.length === 0) {
    return;
  }
  if (message) {
    for (const value of values) {
      writer.uint32(tag(field.id, 2)).fork();
      writeMessage(message, value, writer);
      writer.ldelim();
    }
  } else if (isPackable(field)) {
    writer.uint32(tag(field.id, 2)).fork();
    for (const value of values) {
      writeScalar(field, value, writer);
    }
    writer.ldelim();
  } else {
    for (const value of values) {
      writer.uint32(tag(field.id, wireType(field)));
      writeScalar(field, value, writer);
    }
  }
}

function writeScalar(field, value, writer) {
  if (field.resolvedType instanceof protobuf.Enum) {
    writer.int32(typeof value === 'string' ? field.resolvedType.values[value] : value);
  } else if (LongTypes.has(field.type)) {
    // Exact for every 64-bit value: the two halves, as a long.js-like object protobufjs writes bit for bit.
    const unsigned = field.type === 'uint64' || field.type === 'fixed64';
    const bits = BigInt.asUintN(64, unsigned ? toU64(value) : BigInt(value));
    writer[field.type]({ low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: true });
  } else if (field.type === 'bytes') {
    if (!(value instanceof Uint8Array)) {
      throw new Error(`${field.name} must be bytes.`);
    }
    writer.bytes(value);
  } else {
    writer[field.type](value);
  }
}

function isDefault(field, value) {
  if (value instanceof Uint8Array || typeof value === 'string') {
    return value.length === 0 || (LongTypes.has(field.type) && /^0+$/.test(value));
  }
  if (typeof value === 'bigint') {
    return value === 0n;
  }
  return value === 0 || value === false || (field.resolvedType instanceof protobuf.Enum && field.resolvedType.values[value] === 0);
}

/**
 * Decodes bytes as a message and returns a plain object: every field present (defaults filled), 64-bit integers as
 * decimal strings, bytes as lower-case hex, enums by name, an absent sub-message as null, and each oneof named by
 * a virtual field (e.g. kind: 'castVote'). Unknown fields are skipped; truncated input, a string that is not
 * UTF-8 and packed numbers that run past their length throw, as Google.Protobuf does.
 */
export function decode(typeName, bytes) {
  const reader = protobuf.Reader.create(bytes);
  return readMessage(type(typeName), reader, reader.len, 0);
}

function readMessage(messageType, reader, end, depth) {
  if (depth > MaxDepth) {
    throw new Error('The message nests too deeply.');
  }
  const object = defaults(messageType);
  while (reader.pos < end) {
    const key = reader.uint32();
    const field = messageType.fieldsById[key >>> 3];
    const wire = key & 7;
    if (!field || !wireFits(field, wire)) {
      reader.skipType(wire);
      continue;
    }
    const message = messageOf(field);
    if (message) {
      const value = readMessage(message, reader, lengthEnd(reader), depth + 1);
      if (field.repeated) {
        object[field.name].push(value);
      } else {
        object[field.name] = value;
      }
    } else if (field.repeated && wire === 2 && isPackable(field)) {
      const packedEnd = lengthEnd(reader);
      while (reader.pos < packedEnd) {
        object[field.name].push(readScalar(field, reader));
      }
      if (reader.pos !== packedEnd) {
        // Google.Protobuf reads packed numbers within the declared length and throws when one crosses it.
        throw new Error(`The packed field ${field.name} runs past its declared length.`);
      }
    } else if (field.repeated) {
      object[field.name].push(readScalar(field, reader));
    } else {
      object[field.name] = readScalar(field, reader);
    }
    if (field.partOf) {
      object[field.partOf.name] = field.name;
    }
  }
  if (reader.pos !== end) {
    throw new Error('The message is truncated.');
  }
  return object;
}

function readScalar(field, reader) {
  if (field.resolvedType instanceof protobuf.Enum) {
    const number = reader.int32();
    return field.resolvedType.valuesById[number] ?? number;
  }
  if (field.type === 'bytes') {
    return hex(reader.bytes());
  }
  if (field.type === 'string') {
    return strictUtf8(reader.bytes());
  }
  const value = reader[field.type]();
  return LongTypes.has(field.type) ? String(value) : value;
}

// Google.Protobuf decodes strings with a throwing UTF8Encoding; a lenient decoder would turn invalid bytes into
// U+FFFD, so bytes the node refuses would read as a string that compares equal to other bytes' string.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function strictUtf8(bytes) {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new Error('The message holds a string that is not UTF-8.');
  }
}

function defaults(messageType) {
  const object = {};
  for (const field of messageType.fieldsArray) {
    if (field.repeated) {
      object[field.name] = [];
    } else if (field.partOf) {
      continue; // a oneof member is present only when set
    } else if (messageOf(field)) {
      object[field.name] = null;
    } else if (field.resolvedType instanceof protobuf.Enum) {
      object[field.name] = field.resolvedType.valuesById[0] ?? 0;
    } else {
      object[field.name] = field.type === 'string' || field.type === 'bytes' ? '' : field.type === 'bool' ? false : LongTypes.has(field.type) ? '0' : 0;
    }
  }
  return object;
}

function lengthEnd(reader) {
  const end = reader.uint32() + reader.pos;
  if (end > reader.len) {
    throw new Error('The message is truncated.');
  }
  return end;
}

// Google.Protobuf takes a field only with its own wire type (or packed/unpacked for repeated numbers); any other
// is an unknown field.
function wireFits(field, wire) {
  if (messageOf(field)) {
    return wire === 2;
  }
  return wire === wireType(field) || (field.repeated && isPackable(field) && wire === 2);
}

const sorted = new WeakMap();
function sortedFields(messageType) {
  let fields = sorted.get(messageType);
  if (!fields) {
    fields = [...messageType.fieldsArray].sort((a, b) => a.id - b.id);
    sorted.set(messageType, fields);
  }
  return fields;
}

function messageOf(field) {
  field.resolve();
  return field.resolvedType instanceof protobuf.Type ? field.resolvedType : null;
}

function wireType(field) {
  return field.resolvedType instanceof protobuf.Enum ? 0 : protobuf.types.basic[field.type];
}

function isPackable(field) {
  return field.resolvedType instanceof protobuf.Enum || protobuf.types.packed[field.type] !== undefined;
}

function tag(id, wire) {
  return ((id << 3) | wire) >>> 0;
}
