// Plain words for every refusal a voter can meet when casting a vote from the vote page: the RejectCode names of
// Protos/votechain/v1/state.proto, read against the rules' own sentences (Consensus/Rules/VoteChecks.cs,
// CommonChecks.cs, SecretVoteRules.cs, Consensus/Transactions/TxDecoder.cs, Networking/Mempool/Mempool.cs). The page
// shows these words first and the node's exact sentence under them, so nothing the node said is hidden. The codes
// only authorities, trustees and issuers meet (NOT_AUTHORITY, PHASE_OVER, ...) fall back to the node's sentence.

const WORDS = Object.freeze({
  MALFORMED: 'The vote could not be read by the node. Reload the page and try again; if it happens again, this page and the node do not match.',
  BAD_SIGNATURE: 'The vote\'s signature did not check out. Load your credential file again and retry.',
  WRONG_CHAIN: 'This vote was made for a different election network than the one this node runs.',
  DUPLICATE_TRANSACTION: 'This exact vote has already been received. Nothing more is needed: look up its receipt.',
  UNKNOWN_ELECTION: 'This node does not know that election.',
  ELECTION_NOT_OPEN: 'Voting in this election has not started yet. Come back when it opens.',
  ELECTION_CLOSED: 'Voting in this election has closed. No more votes can be cast.',
  BAD_PUBLIC_KEY: 'The key in your credential file is not a valid voting key.',
  NOT_REGISTERED: 'Your credential is not registered to vote in this election. Check that you loaded the right file, or ask the election authority.',
  CREDENTIAL_REVOKED: 'Your credential has been revoked (for example after it was reported lost), so it can no longer vote. Ask the election authority for your replacement credential.',
  INVALID_OPTION: 'The choice you made is not one of this election\'s options.',
  ALREADY_VOTED: 'You have already voted in this election, and it does not allow changing a vote.',
  STALE_SEQUENCE: 'A newer vote from you has already been counted, so this one would be older than it. Reload the page to see your current vote, then vote again if changing is allowed.',
  MEMPOOL_FULL: 'The node is very busy right now and could not take your vote. Please wait a moment and try again.',
  TOO_LARGE: 'The vote is larger than the node accepts.',
  REVOTE_TOO_SOON: 'You already changed your vote moments ago. Wait until that change is recorded (a few seconds), then try again.',
  KEY_NOT_READY: 'This secret election is still preparing its encryption key. Voting starts once the key is ready; try again later.',
  BAD_PROOF: 'Your encrypted ballot did not pass the node\'s checks. Reload the page and try again.',
  WRONG_BALLOT_KIND: 'The ballot is of the wrong kind for this election (an open vote for a secret election, or the reverse). Reload the page and try again.',
  KEY_GENERATION_FAILED: 'This secret election could not set up its encryption key, so it cannot take votes. The election authority has to run it again.',
  ROLL_ONLY: 'This file is your entry on the voter roll, not your voting credential. Use the credential you received from the issuers (votechain credential request) to vote.',
  TALLY_OVERFLOW: 'The vote would push the tally past what it can count.',
});

// Refusals the page makes itself, before anything is sent (lib/ballot.js checks the node's key generation record):
// not RejectCodes, since no node returns them, so their keys are quoted apart from the codes above.
const PAGE_WORDS = Object.freeze({
  'JOINT_KEY_MISMATCH': 'This node\'s encryption key for the election does not match the trustees\' record on the chain (or the key you entered). Nothing was sent. Vote through another node, or check the joint key the election authorities published.',
});

/** The plain-language words for a refusal reason (a RejectCode name or a page refusal), or null when there are none. */
export function reasonWords(reason) {
  if (Object.hasOwn(WORDS, reason)) return WORDS[reason];
  return Object.hasOwn(PAGE_WORDS, reason) ? PAGE_WORDS[reason] : null;
}

/**
 * What to tell a voter for a refused submission: the plain words (or a general sentence), the node's own sentence,
 * and the stable code for anyone who reports it. status 429 is the node's rate limit, not a rule.
 */
export function explainRefusal(error) {
  if (error?.status === 429) {
    const wait = error.retryAfterSeconds ? ` in about ${error.retryAfterSeconds} seconds` : ' in a moment';
    return { words: `The node is receiving many votes right now. Please try again${wait}.`, detail: error.message, reason: 'RATE_LIMITED' };
  }
  const words = reasonWords(error?.reason) ?? (error?.reason ? 'The node refused the vote.' : 'The vote could not be sent.');
  return { words, detail: error?.message ?? String(error), reason: error?.reason ?? '' };
}

/** Every reason that has words (for tests and docs). */
export const KNOWN_REASONS = Object.freeze(Object.keys(WORDS));
