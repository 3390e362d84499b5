// The page library driven from outside the browser, for the C# tests that hold it to the node's own code: one
// JSON request a line on stdin, one JSON answer a line on stdout, so one process serves a whole test fixture.
// Bytes travel as lower-case hex. A refused request answers {"error": sentence}; the process keeps serving.
import { createInterface } from 'node:readline';
import { decodeBlock, decodeGenesis, fromHex, genesisFromJsonFile, hex } from '../src/lib/codec.js';
import { parseCredentialFile } from '../src/lib/credential.js';
import { castEncryptedVote, castVote } from '../src/lib/vote.js';
import { describeReceipt, verifyReceipt, verifySignature } from '../src/lib/receipt.js';
import { verifyStanding } from '../src/lib/standing.js';
import { decode, encode, type } from '../src/lib/protos.js';

const operations = {
  'sign-vote': (r) => transaction(castVote({ ...r, seed: fromHex(r.seed) })),
  'encrypt-vote': (r) => transaction(castEncryptedVote({
    ...r,
    seed: fromHex(r.seed),
    jointKey: r.jointKey == null ? undefined : fromHex(r.jointKey),
    secret: r.secret ?? undefined,
    pinnedJointKey: r.pinnedJointKey ?? undefined,
  })),
  // genesisObject: a genesis as a page might build it ({chainId, validators: [{publicKey: hex}]}), not decoded.
  'verify-receipt': (r) => verifyReceipt(r.receipt, r.genesisObject ?? decodeGenesis(fromHex(r.genesis)), r.txId == null ? undefined : { txId: r.txIdAsBytes ? fromHex(r.txId) : r.txId }),
  'verify-standing': (r) => verifyStanding(r.receipt, r.genesisObject ?? decodeGenesis(fromHex(r.genesis))),
  'describe-receipt': (r) => describeReceipt(r.receipt),
  'verify-signature': (r) => verifySignature(fromHex(r.signature), fromHex(r.message), fromHex(r.publicKey)),
  decode: (r) => decode(r.type, fromHex(r.bytes)),
  'decode-block': (r) => decodeBlock(fromHex(r.block)),
  'decode-genesis': (r) => decodeGenesis(fromHex(r.genesis)),
  'genesis-json': (r) => genesisFromJsonFile(r.text),
  // Decode then encode again: canonical bytes must come back unchanged (the codec against Google.Protobuf's bytes).
  reencode: (r) => hex(encode(r.type, encodable(type(r.type), decode(r.type, fromHex(r.bytes))))),
  credential: (r) => {
    const parsed = parseCredentialFile(r.text);
    return { ...parsed, publicKey: hex(parsed.publicKey), seed: hex(parsed.seed) };
  },
};

// decode's plain object (bytes as hex, null for an absent sub-message, oneof names) as encode takes it.
function encodable(messageType, object) {
  const out = {};
  for (const field of messageType.fieldsArray) {
    const value = object[field.name];
    if (value === undefined || value === null) {
      continue;
    }
    field.resolve();
    const message = field.resolvedType?.fieldsArray ? field.resolvedType : null;
    const convert = message ? (v) => encodable(message, v) : field.type === 'bytes' ? fromHex : (v) => v;
    out[field.name] = field.repeated ? value.map(convert) : convert(value);
  }
  return out;
}

function transaction({ envelope, txId }) {
  return { envelope: hex(envelope), txId };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  let answer;
  try {
    const request = JSON.parse(line);
    const operation = operations[request.op];
    answer = operation ? { result: operation(request) } : { error: `unknown operation '${request.op}'` };
  } catch (error) {
    answer = { error: error.message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
