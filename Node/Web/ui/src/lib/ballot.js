// The encrypted ballot of a secret election, as Consensus/Ballots builds it and the rules verify it: exponential
// ElGamal over ristretto255 per option, a disjunctive Chaum-Pedersen proof per option (0 or the weight) and one for
// the sum (min·w … max·w), all Fiat-Shamir challenges over the same SHA-512 transcript bound to the ballot context
// of Consensus/Secret/SecretContexts.cs. Curve and hash come from the noble libraries; here is only the protocol.
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concat, toU64, u64, utf8 } from './bytes.js';

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
