// Where an election stands, by block time: the rules judge the voting window [opens_at, closes_at) by the time of the
// block a vote lands in, so the pages use the time of the node's latest block, not the reader's clock (which may be
// wrong). On an idle chain that time lags; the pages say which time they used.
import { num } from './dom.js';

/**
 * One of: 'upcoming', 'open', 'closed' (an open election: its final result; a secret one: counting not yet done),
 * 'published' (a secret election whose decrypted result is on chain). A secret election's option weights stay zero
 * until then: only turnout may be shown.
 */
export function electionState(election, tally, blockTimeMs) {
  const definition = election?.definition ?? {};
  if (tally?.secret && tally?.resultPublished) return 'published';
  if (blockTimeMs < num(definition.opensAtUnixMs)) return 'upcoming';
  if (blockTimeMs < num(definition.closesAtUnixMs)) return 'open';
  return 'closed';
}

export const isSecret = (election, tally) => Boolean(election?.definition?.secret || election?.secret || tally?.secret);

/** Whether the option weights may be shown: always for an open ballot, for a secret one only once published. */
export const showsWeights = (election, tally) => !isSecret(election, tally) || Boolean(tally?.resultPublished);

export const STATE_WORDS = Object.freeze({
  upcoming: 'Upcoming — voting has not opened yet',
  open: 'Open — voting in progress',
  closed: 'Closed — voting has ended',
  published: 'Result published',
});

export function stateWords(state, secret) {
  if (state === 'closed' && secret) return 'Closed — the encrypted votes are being counted; the result is not published yet';
  if (state === 'open' && secret) return 'Open — voting in progress (secret ballot: only turnout is shown)';
  if (state === 'upcoming' && secret) return 'Upcoming — voting has not opened yet (secret ballot)';
  return STATE_WORDS[state];
}
