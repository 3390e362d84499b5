// The encrypted ballot of a secret election, as Consensus/Ballots builds it and the rules verify it: exponential
// ElGamal over ristretto255 per option, a disjunctive Chaum-Pedersen proof per option (0 or the weight) and one for
// the sum (min·w … max·w), all Fiat-Shamir challenges over the same SHA-512 transcript bound to the ballot context
// of Consensus/Secret/SecretContexts.cs. Curve and hash come from the noble libraries; here is only the protocol.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, fixedHex, hex, toU64, u64, utf8 } from './bytes.js';
import { fromBase64 } from './codec.js';

const Point = ristretto255.Point;
// The group order L = 2^252 + 27742317777372353535851937790883648493.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const MaxBranches = 1024;

// Consensus/Ballots/BallotDomainTags.cs
const OptionValueTag = 'votechain/v1/ballot/option-zero-or-weight';
const SumRangeTag = 'votechain/v1/ballot/sum-in-range';
const BallotContextTag = 'votechain/v1/secret/ballot';

/** The election's resolved choice bounds (SecretBallotSettings in its ElectionRecord), checked as BallotEncoding does. */
export function ballotBounds(secret, optionCount) {
  const min = secret.minChoices ?? secret.min_choices ?? 0;
  const max = secret.maxChoices ?? secret.max_choices ?? 0;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min || max > optionCount || max - min + 1 > MaxBranches) {
    throw new Error(`The choice bounds ${min}..${max} do not fit ${optionCount} options.`);
  }
  return { min, max };
}

/** What every proof of this ballot is bound to: chain, election, the casting credential and its weight. */
export function ballotContext(chainId, electionId, credential, weight) {
  return concat(prefixed(utf8(BallotContextTag)), prefixed(utf8(chainId)), prefixed(utf8(electionId)), prefixed(credential),
    u64(weight, true));
}

/**
 * Encrypts the weight for each chosen option and 0 for the others, with fresh randomness, and proves it.
 * → {ciphertexts: [64 bytes], optionProofs: [128 bytes], sumProof: 64·(max − min + 1) bytes}.
 */
export function createBallot({ chainId, electionId, credential, weight, jointKey, choices, min, max }) {
  const w = toU64(weight);
  if (w === 0n || BigInt(max) * w > 0xffffffffffffffffn) {
    throw new Error('The weight is zero or too large for the choice bounds.');
  }
  const key = jointKeyOf(jointKey);
  const context = ballotContext(chainId, electionId, credential, w);
  const weightPoint = Point.BASE.multiplyUnsafe(w % L);
  const options = [];
  const optionProofs = [];
  let randomnessSum = 0n;
  for (const chosen of choices) {
    const r = randomNonZeroScalar();
    const a = Point.BASE.multiply(r);
    const b = (chosen ? weightPoint : Point.ZERO).add(key.multiply(r));
    options.push({ a, b });
    optionProofs.push(createMembership(OptionValueTag, context, key, [], { a, b }, r, [0n, w], chosen ? 1 : 0));
    randomnessSum = (randomnessSum + r) % L;
  }
  const chosenCount = choices.filter(Boolean).length;
  const values = [];
  for (let j = min; j <= max; j++) {
    values.push(BigInt(j) * w);
  }
  const sum = options.reduce((s, c) => ({ a: s.a.add(c.a), b: s.b.add(c.b) }));
  const sumProof = createMembership(SumRangeTag, context, key, options.flatMap((c) => [c.a, c.b]), sum, randomnessSum, values,
    chosenCount - min);
  return {
    ciphertexts: options.map((c) => concat(c.a.toBytes(), c.b.toBytes())),
    optionProofs,
    sumProof,
  };
}

function jointKeyOf(jointKey) {
  let key;
  try {
    key = Point.fromBytes(jointKey);
  } catch {
    throw new Error('The election\'s joint key is not a canonical ristretto255 point.');
  }
  if (key.equals(Point.ZERO)) {
    throw new Error('The election\'s joint key is the identity, which would reveal every vote.');
  }
  return key;
}

/**
 * The joint key to encrypt under, not taken on the node's word (Node/Cli/Operator/ElectionKey.cs Resolve):
 * `secret` is the node's SecretElectionResponse (proto3 JSON of GET /v1/elections/{id}/secret). The key phase must
 * be final, and the key must be what the trustees' deals in that same answer give (KeyGenerationStatus.Evaluate,
 * ported below); a `pinnedJointKey` (hex) the voter got elsewhere must match too. → the key's 32 bytes, or throws
 * with one sentence starting KEY_GENERATION_FAILED, KEY_NOT_READY or JOINT_KEY_MISMATCH. A node that invents a whole
 * transcript of deals whose secrets it knows passes the recomputation; only the pin (or asking a second node)
 * catches that.
 */
export function resolveJointKey({ electionId, secret, pinnedJointKey, nowUnixMs = Date.now() }) {
  const pinned = pinnedJointKey == null ? null : pinnedKey(pinnedJointKey);
  const election = secret?.election;
  if (!election?.secret) {
    throw new Error(`The node's answer for election '${electionId}' has no secret ballot settings: it is not a secret election there.`);
  }
  if ((election.definition?.electionId ?? '') !== electionId) {
    throw new Error(`The node's answer is for election '${election.definition?.electionId ?? ''}', not '${electionId}'.`);
  }
  const phase = typeof secret.keyPhase === 'string' ? secret.keyPhase : '';
  if (phase === 'failed') {
    throw new Error(`KEY_GENERATION_FAILED: election '${electionId}' has no joint key and cannot take votes: its trustees' key generation failed.`);
  }
  const claimed = phase === 'final' ? pointOrNull(base64Bytes(secret.jointKey)) : null;
  if (!claimed || claimed.equals(Point.ZERO)) {
    throw new Error(`KEY_NOT_READY: election '${electionId}' has no final joint key yet, so nothing can be encrypted (key generation is in its ${phase || 'unknown'} phase).`);
  }
  // At the later of the answer's block time and this machine's clock, as the node and the CLI evaluate it.
  const at = maxBig(int64(secret.headTimeUnixMs), BigInt(Math.floor(nowUnixMs)));
  let recomputed = null;
  let gives;
  try {
    const status = evaluateKeyGeneration(election, secret.secret ?? {}, at);
    recomputed = status.jointKey;
    gives = recomputed ? recomputed.toHex() : `no final key (${status.phase})`;
  } catch {
    gives = 'nothing: they are malformed';
  }
  if (!recomputed || !recomputed.equals(claimed)) {
    throw new Error(`JOINT_KEY_MISMATCH: the node says election '${electionId}' has the joint key ${claimed.toHex()}, but the trustees' deals it sent give ${gives}; nothing was encrypted, ask another node for the key and pin it.`);
  }
  if (pinned && !pinned.equals(recomputed)) {
    throw new Error(`JOINT_KEY_MISMATCH: the node's joint key for election '${electionId}' is ${recomputed.toHex()}, not the pinned joint key ${pinned.toHex()}; nothing was encrypted.`);
  }
  return recomputed.toBytes();
}

/** A key given without the chain's record (the node is trusted for it), checked against a pin when there is one. */
export function pinnedOrGivenJointKey(electionId, jointKey, pinnedJointKey) {
  if (pinnedJointKey == null) {
    return jointKey;
  }
  const pinned = pinnedKey(pinnedJointKey);
  if (jointKey != null && !(jointKey instanceof Uint8Array && equalBytes(jointKey, pinned.toBytes()))) {
    throw new Error(`JOINT_KEY_MISMATCH: the joint key given for election '${electionId}' is ${jointKey instanceof Uint8Array ? hex(jointKey) : String(jointKey)}, not the pinned joint key ${pinned.toHex()}; nothing was encrypted.`);
  }
  return pinned.toBytes();
}

// Consensus/Secret/KeyGenerationStatus.cs Evaluate. Phases count from the election's creation in steps of the key
// phase: dealing, complaints, answers; a dealer with an unanswered complaint is disqualified; the key is the sum of
// the qualified dealers' constant commitments, and fewer qualified dealers than the threshold is a failure. The
// node's answer is not the chain's storage, so dealers must also be distinct trustees (1..n): one deal counted
// twice would let a dealer make up the threshold alone with a key it knows.
function evaluateKeyGeneration(election, record, at) {
  const settings = election.secret;
  const phaseMs = BigInt(uint32(settings.keyPhaseSeconds)) * 1000n;
  const dealingEnds = int64(election.createdAtUnixMs) + phaseMs;
  const complaintsEnd = dealingEnds + phaseMs;
  const answersEnd = complaintsEnd + phaseMs;
  const n = (settings.trustees ?? []).length;
  const deals = record.deals ?? [];
  const acks = record.acks ?? [];
  if (deals.length < n && at < dealingEnds) {
    return { phase: 'dealing', jointKey: null };
  }
  if (acks.length < n && at < complaintsEnd) {
    return { phase: 'complaints', jointKey: null };
  }
  const unanswered = unansweredDealers(acks, record.reveals ?? []);
  if (unanswered.size > 0 && at < answersEnd) {
    return { phase: 'answers', jointKey: null };
  }
  const dealers = deals.map((d) => uint32(d.dealer));
  if (new Set(dealers).size !== dealers.length || dealers.some((d) => d < 1 || d > n)) {
    throw new Error('The deals name a dealer twice or one that is not a trustee.');
  }
  const qualified = deals.filter((d) => !unanswered.has(uint32(d.dealer)));
  if (qualified.length < uint32(settings.threshold)) {
    return { phase: 'failed', jointKey: null };
  }
  let key = Point.ZERO;
  for (const deal of qualified) {
    const constant = pointOrNull(base64Bytes((deal.commitments ?? [])[0]));
    if (!constant) {
      throw new Error('A deal holds a malformed commitment.');
    }
    key = key.add(constant);
  }
  return key.equals(Point.ZERO) ? { phase: 'failed', jointKey: null } : { phase: 'final', jointKey: key };
}

function unansweredDealers(acks, reveals) {
  const answered = new Set(reveals.map((r) => `${uint32(r.dealer)}/${uint32(r.recipient)}`));
  const dealers = new Set();
  for (const ack of acks) {
    for (const dealer of ack.complaints ?? []) {
      if (!answered.has(`${uint32(dealer)}/${uint32(ack.trustee)}`)) {
        dealers.add(uint32(dealer));
      }
    }
  }
  return dealers;
}

function pinnedKey(text) {
  const point = pointOrNull(typeof text === 'string' ? fixedHex(text, 32) : null);
  if (!point || point.equals(Point.ZERO)) {
    throw new Error('The pinned joint key is not 32 bytes of hex encoding a canonical ristretto255 point other than the identity.');
  }
  return point;
}

function pointOrNull(bytes) {
  try {
    return bytes && bytes.length === 32 ? Point.fromBytes(bytes) : null;
  } catch {
    return null;
  }
}

// proto3 JSON bytes (base64); anything else reads as nothing.
function base64Bytes(text) {
  try {
    return fromBase64(text);
  } catch {
    return null;
  }
}

function uint32(value) {
  if (value === undefined || value === null) {
    return 0;
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`${String(value)} is not an unsigned 32-bit number.`);
  }
  return value;
}

// proto3 JSON int64: a decimal string (or a safe number); absent is 0.
function int64(value) {
  if (value === undefined || value === null) {
    return 0n;
  }
  if ((typeof value === 'string' && /^-?[0-9]{1,19}$/.test(value)) || Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  throw new Error(`${String(value)} is not a 64-bit integer.`);
}

function maxBig(a, b) {
  return a > b ? a : b;
}

// Consensus/Ballots/EncryptionMembership.cs: an OR of Chaum-Pedersen proofs that (A, B) encrypts values[realIndex];
// the real branch answered honestly, the others simulated; encoded c_0 ‖ z_0 ‖ c_1 ‖ z_1 ‖ ….
function createMembership(tag, context, key, extraStatement, ciphertext, randomness, values, realIndex) {
  if (realIndex < 0 || realIndex >= values.length) {
    throw new Error('The marked count is outside the election\'s choice bounds.');
  }
  const k = randomNonZeroScalar();
  const branches = [];
  const commitments = [];
  let simulatedSum = 0n;
  values.forEach((value, j) => {
    if (j === realIndex) {
      branches.push(null);
      commitments.push([Point.BASE.multiply(k), key.multiply(k)]);
      return;
    }
    const c = randomScalar();
    const z = randomScalar();
    branches.push([c, z]);
    // The shift B − m·G; c and z are public parts of the proof, so the variable-time multiplication is fine.
    const shifted = ciphertext.b.subtract(Point.BASE.multiplyUnsafe(value % L));
    commitments.push([
      Point.BASE.multiplyUnsafe(z).subtract(ciphertext.a.multiplyUnsafe(c)),
      key.multiplyUnsafe(z).subtract(shifted.multiplyUnsafe(c)),
    ]);
    simulatedSum = (simulatedSum + c) % L;
  });
  const challenge = transcriptChallenge(tag, context, key, extraStatement, ciphertext, values, commitments);
  const cReal = mod(challenge - simulatedSum);
  branches[realIndex] = [cReal, mod(k + cReal * randomness)];
  return concat(...branches.flatMap(([c, z]) => [scalarBytes(c), scalarBytes(z)]));
}

// Consensus/Ballots/Transcript.cs: SHA-512 over the length-prefixed tag and context, then fixed-size items; the
// digest reduced mod L.
function transcriptChallenge(tag, context, key, extraStatement, ciphertext, values, commitments) {
  const hash = sha512.create();
  hash.update(prefixed(utf8(tag))).update(prefixed(context));
  hash.update(key.toBytes()).update(u64(extraStatement.length, true));
  for (const element of extraStatement) {
    hash.update(element.toBytes());
  }
  hash.update(ciphertext.a.toBytes()).update(ciphertext.b.toBytes()).update(u64(values.length, true));
  for (const value of values) {
    hash.update(u64(value, true));
  }
  for (const [a, b] of commitments) {
    hash.update(a.toBytes()).update(b.toBytes());
  }
  return bytesToNumberLE(hash.digest()) % L;
}

function prefixed(bytes) {
  return concat(u64(bytes.length, true), bytes);
}

// 64 uniform bytes reduced mod L: the bias is below 2^-250, and the source is the browser's CSPRNG only.
function randomScalar() {
  return bytesToNumberLE(crypto.getRandomValues(new Uint8Array(64))) % L;
}

function randomNonZeroScalar() {
  for (;;) {
    const s = randomScalar();
    if (s !== 0n) {
      return s;
    }
  }
}

function mod(value) {
  const r = value % L;
  return r < 0n ? r + L : r;
}

function scalarBytes(value) {
  return numberToBytesLE(value, 32);
}
