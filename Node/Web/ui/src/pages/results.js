// The results page (index.html): every election with its tally, live.
//
// How it stays live and bounded (docs/WEB.md): an election's section is only read while it is on screen
// (IntersectionObserver). Up to MAX_STREAMS on-screen elections follow /tally/stream (one held connection each, a new
// line only when a block changed that tally); the page also follows /v1/status/stream (one more connection), and any
// other on-screen election re-reads /tally when the height moved (at most every FOLLOW_MIN_MS) and otherwise every
// POLL_MS; off-screen ones cost nothing, and nothing runs while the tab is hidden. The caps are low because a browser
// opens at most 6 HTTP/1.1 connections to one host, shared by every tab of this node: 4 held streams leave room for
// the page's other calls.
//
// Hooks for browser tests (stable):
//   #elections [data-testid=elections]                the list
//   section[data-election-id=ID]                      one election; data-state = upcoming|open|closed|published
//     [data-testid=election-title]                    its title
//     [data-testid=election-state]                    the state in words (data-state repeated on it)
//     [data-testid=counted-weight|registered-weight|counted-ballots|registered-credentials]  turnout figures
//     [data-testid=turnout-percent]                   counted weight / registered weight, e.g. "43.3 %"
//     [data-testid=tally] li[data-option-index=i]     one option; inside [data-testid=option-name|option-weight|option-percent]
//                                                     (absent for a secret election before its result is published)
//     [data-testid=secret-note]                       a secret election's "turnout only" note
//     [data-testid=tally-height]                      "Tally at block N", data-height=N; data-live=1 while streaming
//   #clock [data-testid=clock]                        which time the states are judged by; data-source=block|device
//   #status [data-testid=page-status]                 page-level news (aria-live)
//   performance mark 'votechain:first-tally'          when the first tally was drawn (time to first render)

import { api, followStatus, followTally } from '../lib/api.js';
import { byId, el, fill, formatNumber, formatTime, isolate, num } from '../lib/dom.js';
import { electionState, isSecret, showsWeights, stateWords } from '../lib/election-state.js';
import { headTime } from '../lib/head.js';

const MAX_STREAMS = 3;
const POLL_MS = 20_000;
const FOLLOW_MIN_MS = 2_000;
const LIST_MS = 30_000;
const CLOCK_MS = 10_000;
const ANNOUNCE_EVERY_MS = 30_000;

const elections = new Map(); // id -> entry
let headHeight = 0; // from the status stream
let statusStream = null;
// Until the head block's time is read, the device's clock; state changes are announced only after that first reading.
let clock = { timeUnixMs: Date.now(), source: 'device' };
let clockRead = false;

const list = byId('elections');
const pageStatus = byId('status');

const observer = 'IntersectionObserver' in window
  ? new IntersectionObserver((records) => {
    for (const record of records) {
      const entry = elections.get(record.target.dataset.electionId);
      if (entry) entry.visible = record.isIntersecting;
    }
    rebalance();
  }, { rootMargin: '200px' })
  : null;

function say(text) {
  pageStatus.textContent = text;
}

function percent(part, whole) {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '0.0 %';
}

function createEntry(election) {
  const id = election.definition.electionId;
  const titleId = `title-${elections.size}`;
  const section = el('section', { class: 'election', 'data-election-id': id, 'aria-labelledby': titleId });
  const entry = {
    id, election, section, tally: null, height: -1, state: '', visible: !observer, stream: null, live: false,
    lastPoll: 0, lastAnnounced: 0, parts: {},
  };
  const definition = election.definition;
  const parts = entry.parts;
  parts.state = el('p', { class: 'state', 'data-testid': 'election-state' });
  parts.turnout = el('div', { class: 'turnout' });
  parts.tally = el('div');
  parts.height = el('p', { class: 'note', 'data-testid': 'tally-height' }, 'The tally is read while this election is on screen.');
  parts.summary = el('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'tally-summary' });
  fill(section,
    el('h2', { id: titleId, 'data-testid': 'election-title' }, isolate(definition.title || id)),
    el('p', { class: 'meta' },
      el('span', {}, 'Election ', el('code', {}, id)), ' · ',
      el('span', {}, `Voting window ${formatTime(num(definition.opensAtUnixMs))} to ${formatTime(num(definition.closesAtUnixMs))}`), ' · ',
      el('span', {}, isSecret(election) ? 'Secret ballot' : 'Open ballot'), ' · ',
      el('span', {}, definition.allowRevote ? 'Voters may change their vote' : 'One vote per voter, final')),
    parts.state, parts.turnout, parts.tally, parts.height, parts.summary);
  return entry;
}

function renderState(entry) {
  const record = entry.tally?.tally; // entry.tally is the TallyResponse; its TallyRecord says whether a result is out
  const state = electionState(entry.election, record, clock.timeUnixMs);
  const secret = isSecret(entry.election, record);
  if (clockRead && entry.state && entry.state !== state) say(`${entry.election.definition.title || entry.id}: ${stateWords(state, secret)}.`);
  entry.state = state;
  entry.section.dataset.state = state;
  entry.parts.state.dataset.state = state;
  fill(entry.parts.state, el('span', { class: `badge badge-${state}` }, stateLabel(state)), ' ', stateWords(state, secret));
}

function stateLabel(state) {
  return { upcoming: 'UPCOMING', open: 'OPEN', closed: 'CLOSED', published: 'PUBLISHED' }[state];
}

function renderTally(entry) {
  const { tally, options } = entry.tally;
  const countedWeight = num(tally.countedWeight);
  const registeredWeight = num(tally.registeredWeight);
  const turnoutBar = el('span', { class: 'fill' });
  turnoutBar.style.width = registeredWeight > 0 ? `${Math.min(100, (100 * countedWeight) / registeredWeight)}%` : '0%';
  fill(entry.parts.turnout,
    el('h3', {}, 'Turnout'),
    el('p', {},
      'Counted weight ', el('strong', { 'data-testid': 'counted-weight' }, formatNumber(countedWeight)),
      ' of ', el('strong', { 'data-testid': 'registered-weight' }, formatNumber(registeredWeight)), ' registered (',
      el('strong', { 'data-testid': 'turnout-percent' }, percent(countedWeight, registeredWeight)), '); ',
      el('strong', { 'data-testid': 'counted-ballots' }, formatNumber(tally.countedBallots)), ' of ',
      el('strong', { 'data-testid': 'registered-credentials' }, formatNumber(tally.registeredCredentials)),
      ' registered credentials have a counted vote.'),
    proxyLine(entry.election, tally, countedWeight),
    el('span', { class: 'bar', 'aria-hidden': 'true' }, turnoutBar));

  if (!showsWeights(entry.election, tally)) {
    fill(entry.parts.tally, el('p', { class: 'secret-note', 'data-testid': 'secret-note' },
      'Secret ballot: the votes are encrypted, and the result per option is shown once the trustees have decrypted and published it. Until then only turnout is known.'));
  } else {
    const weights = (options ?? []).map((_, i) => num(tally.optionWeights?.[i]));
    const total = weights.reduce((a, b) => a + b, 0);
    const items = weights.map((weight, i) => {
      const fillBar = el('span', { class: 'fill' });
      fillBar.style.width = total > 0 ? `${(100 * weight) / total}%` : '0%';
      return el('li', { 'data-option-index': i, 'data-testid': 'option' },
        el('span', { class: 'option-name', 'data-testid': 'option-name' }, isolate(options[i])),
        el('span', { class: 'bar', 'aria-hidden': 'true' }, fillBar),
        el('span', { class: 'figure' },
          el('span', { 'data-testid': 'option-weight' }, formatNumber(weight)), ' ',
          el('span', { 'data-testid': 'option-percent' }, `(${percent(weight, total)})`)));
    });
    fill(entry.parts.tally,
      el('h3', {}, tally.secret ? `Result (decrypted at block ${formatNumber(tally.resultHeight)})` : 'Tally'),
      el('ol', { class: 'bars', 'data-testid': 'tally' }, items));
  }

  entry.parts.height.dataset.height = String(entry.height);
  entry.parts.height.dataset.live = entry.live ? '1' : '0';
  fill(entry.parts.height, `Tally at block ${formatNumber(entry.height)} · `,
    entry.live ? 'updating live' : (entry.visible ? 'refreshed as blocks commit' : 'not updating while off screen'));
  announce(entry, weightsSummary(entry, tally, options, countedWeight, registeredWeight));
}

// An election allowing delegation: how much of the counted weight proxies cast for holders who did not vote.
function proxyLine(election, tally, countedWeight) {
  if (!election?.definition?.allowDelegation) return null;
  const proxyWeight = num(tally.proxyWeight);
  return el('p', { 'data-testid': 'proxy-weight' },
    formatNumber(countedWeight - proxyWeight), ' cast directly, ', formatNumber(proxyWeight),
    ' cast by proxies for holders who did not vote; ', formatNumber(tally.delegationsInForce), ' proxy appointments in force.');
}

function weightsSummary(entry, tally, options, countedWeight, registeredWeight) {
  const title = entry.election.definition.title || entry.id;
  const turnout = `${percent(countedWeight, registeredWeight)} of the registered weight counted`;
  if (!showsWeights(entry.election, tally)) return `${title}: ${turnout}.`;
  const weights = (options ?? []).map((name, i) => [name, num(tally.optionWeights?.[i])]);
  const leader = weights.reduce((a, b) => (b[1] > a[1] ? b : a), ['', -1]);
  return leader[1] > 0 ? `${title}: ${leader[0]} leads with ${formatNumber(leader[1])}; ${turnout}.` : `${title}: no votes counted yet.`;
}

// A live region read out on every block would drown a screen reader: the summary changes at most every 30 s.
function announce(entry, text) {
  const now = Date.now();
  if (now - entry.lastAnnounced < ANNOUNCE_EVERY_MS || entry.parts.summary.textContent === text) return;
  entry.lastAnnounced = now;
  entry.parts.summary.textContent = text;
}

function onTally(entry, response) {
  const height = num(response.height);
  if (height < entry.height || !response.tally) return; // a poll answered after a newer streamed tally
  entry.height = height;
  if (!entry.tally && !performance.getEntriesByName('votechain:first-tally').length) performance.mark('votechain:first-tally');
  entry.tally = response;
  renderState(entry);
  renderTally(entry);
}

function startStream(entry) {
  const controller = new AbortController();
  entry.stream = controller;
  followTally(entry.id, (response) => onTally(entry, response), {
    signal: controller.signal,
    onState: (connected, detail) => {
      entry.live = connected;
      if (!connected && detail && !controller.signal.aborted) say(`${entry.election.definition.title || entry.id}: live updates paused (${detail}).`);
      if (entry.tally) renderTally(entry);
    },
  });
}

function stopStream(entry) {
  entry.stream?.abort();
  entry.stream = null;
  entry.live = false;
}

/** Streams for the first MAX_STREAMS on-screen elections in page order, none for the rest or a hidden tab. */
function rebalance() {
  if (document.hidden && statusStream) {
    statusStream.abort();
    statusStream = null;
  } else if (!document.hidden && !statusStream) {
    statusStream = new AbortController();
    followStatus((status) => {
      headHeight = Math.max(headHeight, num(status.height));
    }, { signal: statusStream.signal });
  }
  let streams = 0;
  for (const entry of elections.values()) {
    const wanted = !document.hidden && entry.visible && streams < MAX_STREAMS;
    if (wanted) streams++;
    if (wanted && !entry.stream) startStream(entry);
    if (!wanted && entry.stream) stopStream(entry);
  }
}

async function pollOthers() {
  if (document.hidden) return;
  for (const entry of elections.values()) {
    const since = Date.now() - entry.lastPoll;
    const behind = entry.height < headHeight && since >= FOLLOW_MIN_MS;
    if (entry.stream || !entry.visible || (!behind && since < POLL_MS)) continue;
    entry.lastPoll = Date.now();
    try {
      onTally(entry, await api.tally(entry.id));
    } catch (error) {
      fill(entry.parts.height, `The tally could not be read: ${error.message}`);
    }
  }
}

// Newest first, by the height the election was created at; sections are only added, never reordered, so nothing
// jumps under the reader.
async function refreshList() {
  const answer = await api.elections();
  const found = (answer.elections ?? []).filter((e) => e?.definition?.electionId)
    .sort((a, b) => num(b.createdHeight) - num(a.createdHeight));
  for (const election of found) {
    if (elections.has(election.definition.electionId)) continue;
    const entry = createEntry(election);
    elections.set(entry.id, entry);
    list.append(entry.section);
    renderState(entry);
    observer?.observe(entry.section);
  }
  if (elections.size === 0) fill(list, el('p', { 'data-testid': 'no-elections' }, 'There are no elections on this chain yet.'));
  else list.querySelector('[data-testid=no-elections]')?.remove();
}

async function refreshClock() {
  const clockLine = byId('clock');
  try {
    const head = await headTime();
    clock = head.timeUnixMs > 0 ? { timeUnixMs: head.timeUnixMs, source: 'block' } : { timeUnixMs: Date.now(), source: 'device' };
    clockLine.dataset.source = clock.source;
    clockLine.textContent = clock.source === 'block'
      ? `Voting windows are judged by the time of this node's latest block, #${formatNumber(head.height)} at ${formatTime(clock.timeUnixMs)}, as the chain's rules do (your device's clock says ${formatTime(Date.now())}).`
      : `The chain has no blocks yet: voting windows are judged by your device's clock, ${formatTime(clock.timeUnixMs)}.`;
  } catch (error) {
    clock = { timeUnixMs: Date.now(), source: 'device' };
    clockLine.dataset.source = 'device';
    clockLine.textContent = `The node's latest block could not be read (${error.message}); voting windows are judged by your device's clock.`;
  }
  for (const entry of elections.values()) renderState(entry);
  clockRead = true;
}

async function every(ms, task) {
  for (;;) {
    try {
      if (!document.hidden) await task();
    } catch (error) {
      say(`Could not refresh: ${error.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

document.addEventListener('visibilitychange', rebalance);
every(LIST_MS, async () => {
  await refreshList();
  rebalance();
});
every(CLOCK_MS, refreshClock);
every(1_000, pollOthers);
byId('main').dataset.ready = '1';
