// The vote page (vote.html): load a credential, find its election, cast a vote signed (and for a secret ballot
// encrypted) in this page, wait for the receipt and verify it here against the genesis validators.
// The key lives only in the `credential` variable below: never sent, never written to storage, dropped by "Forget"
// and when the page is left. The file input and the textarea are emptied as soon as it is read.
//
// Hooks for browser tests (stable):
//   #credential-file, #credential-text, [data-testid=credential-load]   load a credential (file or paste)
//   [data-testid=credential-info]          "Credential loaded …" or the file's problem ([data-testid=credential-error])
//   #election-list input[name=election][value=ID]   the voter's elections (when more than one)
//   #ballot-facts [data-testid=ballot-election][data-election-id=ID], [data-testid=ballot-sequence] (data-sequence=N),
//                 [data-testid=ballot-previous] (the vote on record, if any), [data-testid=ballot-note],
//                 where delegation is allowed [data-testid=ballot-proxy] (data-state = the DelegationState name) and,
//                 for a proxy, [data-testid=ballot-proxy-for]
//   #ballot-choices input[name=choice][value=i]     radio (one choice) or checkbox (secret multi-mark)
//   [data-testid=cast]                     the cast button
//   [data-testid=cast-result]              the refusal: [data-testid=refusal][data-reason=CODE] with
//                                          [data-testid=refusal-words] and [data-testid=refusal-detail]
//   [data-testid=receipt-progress]         waiting for the receipt; data-state = waiting|found|timeout
//   [data-testid=receipt-view]             the verified receipt (see lib/receipt-view.js: receipt-checks, receipt-verdict;
//                                          the saved-receipt check has its own: scope by #receipt-view / #receipt-check-view)
//                                          and [data-testid=receipt-tx-id], [data-testid=receipt-download]
//   [data-testid=revote]                   "Change my vote" (only where the election allows it and is open)
//   the genesis and saved-receipt hooks: see lib/receipt-checking.js

import { api, ApiError, pause } from '../lib/api.js';
import { ballotBounds } from '../lib/ballot.js';
import { hex } from '../lib/codec.js';
import { parseCredentialFile } from '../lib/credential.js';
import { asHex, base64ToHex, byId, el, fill, formatNumber, formatTime, isolate, num, readChosenFile, shortHex } from '../lib/dom.js';
import { electionState, isSecret, stateWords } from '../lib/election-state.js';
import { headTime } from '../lib/head.js';
import { explainRefusal, reasonWords } from '../lib/reasons.js';
import { chosenGenesis, MAX_RECEIPT_BYTES, startReceiptChecking } from '../lib/receipt-checking.js';
import { receiptReport } from '../lib/receipt-view.js';
import { castEncryptedVote, castVote } from '../lib/vote.js';

const MAX_CREDENTIAL_BYTES = 64 * 1024;
const MAX_ELECTIONS_SEARCHED = 500;
const LOOKUPS_AT_ONCE = 4;
const RECEIPT_DEADLINE_MS = 90_000;
const RECEIPT_POLL_MS = 1_000;

let credential = null; // {publicKey, seed, kind, electionId?, weight?}
let chainId = '';
let matches = []; // [{election, record (CredentialRecord)}]
let current = null; // {election, record, ballot, secretInfo}
let waitController = null;
let unchecked = 0; // elections whose registration lookup failed in the last search
let skipped = 0; // elections past MAX_ELECTIONS_SEARCHED, said rather than silently left out


function say(text) {
  byId('status').textContent = text;
}

function show(id, visible = true) {
  byId(id).hidden = !visible;
}

function focusHeading(id) {
  byId(id).focus();
}

// ---- 1. the credential -------------------------------------------------------------------------------------------

async function loadCredential() {
  const info = byId('credential-info');
  const fileInput = byId('credential-file');
  const textArea = byId('credential-text');
  try {
    const text = (await readChosenFile(fileInput, MAX_CREDENTIAL_BYTES, 'credential file')) ?? textArea.value;
    if (!text.trim() && credential) return;
    if (!text.trim()) throw new Error('Choose your credential file, or paste its contents, first.');
    if (text.length > MAX_CREDENTIAL_BYTES) throw new Error('The pasted text is far too long for a credential file.');
    const parsed = parseCredentialFile(text);
    forget(false);
    credential = parsed;
  } catch (error) {
    forget(false);
    fill(info, el('p', { class: 'refusal', 'data-testid': 'credential-error' }, error.message));
    return;
  } finally {
    // The key is read; do not leave it in the page's fields.
    fileInput.value = '';
    textArea.value = '';
  }
  const key = hex(credential.publicKey);
  fill(info, el('p', { 'data-testid': 'credential-loaded' }, 'Credential loaded: key ', el('code', { title: key }, shortHex(key)),
    credential.kind === 'anonymous' ? ` (an anonymous credential for election ${credential.electionId}).` : ' (a key file).'));
  show('credential-forget');
  await findElections();
}

function forget(announce = true) {
  credential = null;
  matches = [];
  current = null;
  waitController?.abort();
  for (const id of ['step-election', 'step-ballot', 'step-receipt']) show(id, false);
  show('credential-forget', false);
  fill(byId('credential-info'));
  if (announce) say('Your credential has been forgotten by this page.');
}

// ---- 2. the voter's elections ------------------------------------------------------------------------------------

async function findElections() {
  show('step-election');
  const list = byId('election-list');
  fill(list, el('p', {}, 'Looking for the elections your credential is registered in…'));
  byId('step-election').querySelector('[data-testid=unchecked-elections]')?.remove();
  try {
    const status = await api.status();
    chainId = status.chainId;
    if (credential.chainId && credential.chainId !== chainId) {
      fill(list, el('p', { class: 'refusal', 'data-testid': 'wrong-chain' },
        `This credential is for the election network '${credential.chainId}', but this node runs '${chainId}'. `
        + 'Open the vote page of a node of your election\'s network.'));
      return;
    }
    const all = (await api.elections()).elections ?? [];
    skipped = credential.kind === 'anonymous' ? 0 : Math.max(0, all.length - MAX_ELECTIONS_SEARCHED);
    const candidates = credential.kind === 'anonymous'
      ? all.filter((e) => e.definition?.electionId === credential.electionId)
      : all.slice(0, MAX_ELECTIONS_SEARCHED);
    const key = hex(credential.publicKey);
    const found = [];
    unchecked = 0;
    for (let i = 0; i < candidates.length; i += LOOKUPS_AT_ONCE) {
      const batch = candidates.slice(i, i + LOOKUPS_AT_ONCE);
      const answers = await Promise.all(batch.map((e) => api.voter(e.definition.electionId, key).catch(() => null)));
      answers.forEach((answer, j) => {
        if (answer === null) unchecked++;
        else if (answer.credential) found.push({ election: batch[j], record: answer.credential });
      });
    }
    matches = found;
  } catch (error) {
    fill(list, el('p', { class: 'refusal' }, `The elections could not be read from the node: ${error.message}`));
    return;
  }
  const uncheckedNote = unchecked > 0
    ? el('p', { class: 'refusal', 'data-testid': 'unchecked-elections' },
      `${unchecked} election${unchecked === 1 ? '' : 's'} could not be checked just now (the node did not answer); load the credential again to retry.`)
    : null;
  if (uncheckedNote) list.after(uncheckedNote);
  if (skipped > 0) {
    list.after(el('p', { class: 'note', 'data-testid': 'skipped-elections' },
      `This chain has ${skipped} more election${skipped === 1 ? '' : 's'} than the ${MAX_ELECTIONS_SEARCHED} this page searched (the first ones listed); `
      + 'if yours is not found, your election authority can tell you which node and election to use.'));
  }
  if (matches.length === 0) {
    const words = credential.kind === 'anonymous'
      ? `This credential is not registered in election ${credential.electionId} on this chain (yet). Finish registering it with \`votechain credential register\`, or ask the election authority.`
      : 'This credential is not registered in any election on this chain. Check that you loaded the right file, or ask the election authority.';
    fill(list, el('p', { class: 'refusal', 'data-testid': 'no-election' }, words));
    focusHeading('election-heading');
    return;
  }
  if (matches.length === 1) {
    fill(list, el('p', {}, `Your credential is registered in one election: ${titleOf(matches[0].election)}.`));
    await openBallot(matches[0]);
    return;
  }
  fill(list, el('fieldset', {},
    el('legend', {}, `Your credential is registered in ${matches.length} elections. Choose one:`),
    matches.map((match, i) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'election', value: match.election.definition.electionId, 'data-index': i }),
      `${titleOf(match.election)} (${match.election.definition.electionId})`))));
  // Arrow keys move through a radio group and select as they go: the focus stays in the group (no jump to the ballot)
  // so a keyboard user can pass over elections; the ballot below follows the selection.
  list.querySelectorAll('input[name=election]').forEach((input) => input.addEventListener('change', () => {
    openBallot(matches[Number(input.dataset.index)], false);
    say(`The ballot of ${titleOf(matches[Number(input.dataset.index)].election)} is shown below.`);
  }));
  focusHeading('election-heading');
}

const titleOf = (election) => isolate(election.definition.title || election.definition.electionId);

// ---- 3. the ballot -----------------------------------------------------------------------------------------------

let ballotGeneration = 0;

async function openBallot(match, moveFocus = true) {
  // Arrowing through the elections opens one ballot after another: only the newest may draw, whatever answer is last.
  const generation = ++ballotGeneration;
  show('step-ballot');
  show('step-receipt', false);
  waitController?.abort();
  fill(byId('receipt-view'));
  fill(byId('receipt-progress'));
  fill(byId('cast-result'));
  const election = match.election;
  const id = election.definition.electionId;
  const facts = byId('ballot-facts');
  fill(facts, el('p', {}, 'Reading your registration…'));
  let voter; let head; let secretInfo = null;
  try {
    [voter, head] = await Promise.all([api.voter(id, hex(credential.publicKey)), headTime()]);
    if (isSecret(election)) secretInfo = await api.secret(id);
  } catch (error) {
    if (generation === ballotGeneration) fill(facts, el('p', { class: 'refusal' }, `Your registration could not be read: ${error.message}`));
    return;
  }
  if (generation !== ballotGeneration) return;
  current = { election, record: voter.credential ?? match.record, ballot: voter.ballot ?? null, secretInfo, delegation: voter.delegation ?? null };
  const ballot = current.ballot;
  const sequence = ballot ? num(ballot.sequence) + 1 : 1;
  current.sequence = sequence;
  const timeMs = head.timeUnixMs || Date.now();
  const state = electionState(election, null, timeMs);
  current.state = state;
  const secret = isSecret(election);
  const definition = election.definition;
  const notes = [];
  if (ballot && !definition.allowRevote) notes.push(reasonWords('ALREADY_VOTED'));
  if (current.record.revoked) notes.push(reasonWords('CREDENTIAL_REVOKED'));
  if (current.record.roll) notes.push(reasonWords('ROLL_ONLY'));
  if (state === 'upcoming') notes.push(reasonWords('ELECTION_NOT_OPEN'));
  if (state === 'closed' || state === 'published') notes.push(reasonWords('ELECTION_CLOSED'));
  const keyProblem = secret && secretInfo?.keyPhase !== 'final' ? (secretInfo?.keyPhase === 'failed' ? 'KEY_GENERATION_FAILED' : 'KEY_NOT_READY') : null;
  if (keyProblem) notes.push(reasonWords(keyProblem));

  fill(facts,
    el('h3', { 'data-testid': 'ballot-election', 'data-election-id': id }, titleOf(election)),
    el('dl', { class: 'facts' },
      el('dt', {}, 'Election'), el('dd', {}, el('code', {}, id)),
      el('dt', {}, 'Voting window'), el('dd', {}, `${formatTime(num(definition.opensAtUnixMs))} to ${formatTime(num(definition.closesAtUnixMs))}`),
      el('dt', {}, 'Now'), el('dd', { 'data-testid': 'ballot-state', 'data-state': state }, `${stateWords(state, secret)} (by the time of block ${formatNumber(head.height)})`),
      el('dt', {}, 'Ballot'), el('dd', {}, secret ? 'Secret: your choice is encrypted in this page before it is sent' : 'Open: your choice is visible on the chain, not your name'),
      el('dt', {}, 'Changing your vote'), el('dd', {}, definition.allowRevote ? 'Allowed until voting closes; the latest vote counts' : 'Not allowed: your first vote is final'),
      el('dt', {}, 'Your weight'), el('dd', {}, formatNumber(num(current.record.weight) || 1)),
      el('dt', {}, 'Your vote on record'), el('dd', { 'data-testid': 'ballot-previous' }, previousWords(ballot, definition, secret)),
      ...(definition.allowDelegation ? proxyFacts(current, definition) : []),
      el('dt', {}, 'This vote\'s number'), el('dd', { 'data-testid': 'ballot-sequence', 'data-sequence': sequence }, String(sequence))),
    notes.map((note) => el('p', { class: 'refusal', 'data-testid': 'ballot-note' }, note)));

  renderChoices(election, secret);
  byId('pin-field').hidden = !secret;
  byId('cast').disabled = Boolean(keyProblem);
  if (moveFocus) focusHeading('ballot-heading');
}

// A meeting that allows proxies: whom the voter appointed and whether it was used, and what the voter carries as a proxy.
function proxyFacts(current, definition) {
  const facts = [
    el('dt', {}, 'Your proxy'),
    el('dd', { 'data-testid': 'ballot-proxy', 'data-state': current.delegation?.state ?? 'NO_PROXY' }, proxyWords(current.delegation, definition)),
  ];
  const holders = num(current.record.receivedCount);
  if (holders > 0) {
    facts.push(el('dt', {}, 'As a proxy'), el('dd', { 'data-testid': 'ballot-proxy-for' },
      `Your vote also carries the weight ${formatNumber(current.record.receivedWeight)} of ${formatNumber(holders)} ` +
      `holder${holders === 1 ? '' : 's'} who appointed you and have not voted.`));
  }
  return facts;
}

// Where the voter's appointment of a proxy stands (docs/DELEGATION.md), as `votechain election show --voter` says it.
function proxyWords(delegation, definition) {
  const proxy = delegation?.proxy ? base64ToHex(delegation.proxy) : null;
  const who = proxy ? `${shortHex(proxy)}: ` : '';
  switch (delegation?.state ?? 'NO_PROXY') {
    case 'WAITING_FOR_PROXY': return `${who}your proxy has not voted yet, so your weight is not cast. Voting here replaces the appointment: your own vote counts.`;
    case 'CAST_BY_PROXY': {
      const option = definition.options[num(delegation.proxyBallot?.option)] ?? num(delegation.proxyBallot?.option);
      return `${who}your proxy cast your weight for “${isolate(option)}”. Voting here replaces the appointment: your own vote counts.`;
    }
    case 'OWN_VOTE_COUNTS': return `${who}you voted yourself, so your own vote counts, not your proxy's.`;
    case 'PROXY_REVOKED': return `${who}your proxy's credential was revoked, so the appointment is void: vote here for your weight to count.`;
    case 'HOLDER_REVOKED': return 'Your credential was revoked: it appoints nobody.';
    default: return 'None: your weight counts only if you vote.';
  }
}

function previousWords(ballot, definition, secret) {
  if (!ballot) return 'None yet';
  const option = secret ? 'an encrypted choice' : `“${isolate(definition.options[num(ballot.option)] ?? num(ballot.option))}”`;
  const counted = ballot.counted === false ? ' (no longer counted)' : '';
  return `Vote number ${formatNumber(ballot.sequence)} for ${option}, in block ${formatNumber(ballot.height)}${counted}`;
}

function renderChoices(election, secret) {
  const options = election.definition.options ?? [];
  const { min, max } = secret ? ballotBounds(election.secret, options.length) : { min: 1, max: 1 };
  current.bounds = { min, max };
  const single = max === 1;
  byId('ballot-legend').textContent = single ? `Choose one option — ${titleOf(election)}` : `Choose ${min === max ? min : `${min} to ${max}`} options — ${titleOf(election)}`;
  byId('ballot-hint').textContent = single
    ? 'Use the arrow keys or click to choose, then cast your vote.'
    : `Tick between ${min} and ${max} of the options (Space ticks the one in focus), then cast your vote.`;
  fill(byId('ballot-choices'), options.map((name, i) => el('label', { class: 'choice' },
    el('input', { type: single ? 'radio' : 'checkbox', name: 'choice', value: i, 'data-testid': 'choice' }), isolate(name))));
}

async function cast(event) {
  event.preventDefault();
  const result = byId('cast-result');
  const marks = [...byId('ballot-choices').querySelectorAll('input[name=choice]:checked')].map((i) => Number(i.value));
  const { min, max } = current.bounds;
  if (marks.length < min || marks.length > max) {
    fill(result, el('p', { class: 'refusal', 'data-testid': 'choice-error' },
      max === 1 ? 'Choose an option first.' : `Choose between ${min} and ${max} options; you chose ${marks.length}.`));
    byId('ballot-choices').querySelector('input')?.focus();
    return;
  }
  const button = byId('cast');
  button.disabled = true;
  let submitted = null;
  fill(result, el('p', {}, isSecret(current.election) ? 'Encrypting and signing your vote…' : 'Signing your vote…'));
  try {
    const id = current.election.definition.electionId;
    const vote = isSecret(current.election)
      ? castEncryptedVote({
        chainId, electionId: id, sequence: current.sequence, seed: credential.seed, election: current.election,
        // The chain's record of the key generation, not a bare key: the library recomputes the joint key from the
        // trustees' deals and refuses one the node made up (lib/ballot.js resolveJointKey).
        secret: current.secretInfo, pinnedJointKey: byId('joint-key-pin').value.trim() || undefined,
        weight: num(current.record.weight) || 1, marks,
      })
      : castVote({ chainId, electionId: id, option: marks[0], sequence: current.sequence, seed: credential.seed });
    fill(result, el('p', {}, 'Sending your vote to the node…'));
    await api.submit(vote.envelope);
    submitted = asHex(vote.txId);
    fill(result, el('p', { 'data-testid': 'cast-accepted' }, 'The node accepted your vote. Waiting for it to be written into a final block…'));
    await awaitReceipt(submitted);
    fill(result, el('p', { 'data-testid': 'cast-done' }, 'Your vote was cast: its receipt is below.'));
  } catch (error) {
    // Once the node took the vote, nothing after it (a receipt that cannot be read or checked) may say "not accepted".
    if (submitted) {
      fill(result, el('p', { class: 'refusal', 'data-testid': 'receipt-trouble' },
        `The node accepted your vote (id ${submitted}), but its receipt could not be read or checked: ${error.message} `
        + 'The vote may still be committed: check it later with its id.'));
      say('Your vote was accepted; its receipt could not be checked yet.');
    } else {
      showRefusal(result, error);
    }
  } finally {
    button.disabled = false;
    // A disabled button drops the focus to the page: give it back, so a keyboard user is where they were.
    if (document.activeElement === document.body && !byId('step-ballot').hidden) button.focus();
  }
}

function showRefusal(container, error) {
  const { words, detail, reason } = error instanceof ApiError ? explainRefusal(error) : pageRefusal(error);
  fill(container, el('div', { class: 'refusal', 'data-testid': 'refusal', 'data-reason': reason },
    el('p', { 'data-testid': 'refusal-words' }, el('strong', {}, 'Not accepted: '), words),
    el('p', { class: 'note', 'data-testid': 'refusal-detail' }, `${error instanceof ApiError ? 'The node said' : 'This page found'}: ${detail}${reason ? ` (${reason})` : ''}`)));
  say(`Your vote was not accepted: ${words}`);
}

/** A refusal made in this page (the library's "CODE: sentence"), in the same words the node's refusals get. */
function pageRefusal(error) {
  const coded = /^([A-Z][A-Z_]+): /.exec(error.message ?? '');
  const reason = coded?.[1] ?? '';
  return { words: reasonWords(reason) ?? 'The vote could not be made.', detail: error.message, reason };
}

// ---- 4. the receipt ----------------------------------------------------------------------------------------------

async function awaitReceipt(txIdHex) {
  show('step-receipt');
  show('revote', false);
  fill(byId('receipt-view'), el('p', {}, 'Your vote\'s id: ', el('code', { 'data-testid': 'receipt-tx-id' }, txIdHex)));
  const progress = byId('receipt-progress');
  progress.dataset.state = 'waiting';
  focusHeading('receipt-heading');
  waitController?.abort();
  const controller = new AbortController();
  waitController = controller;
  const started = Date.now();
  let receipt = null;
  let lastProblem = '';
  while (!controller.signal.aborted && Date.now() - started < RECEIPT_DEADLINE_MS) {
    const seconds = Math.round((Date.now() - started) / 1000);
    progress.textContent = `Waiting for your vote to be written into a final block… ${seconds} s (the page gives up after ${RECEIPT_DEADLINE_MS / 1000} s).`;
    try {
      receipt = await api.receipt(txIdHex, { signal: controller.signal, maxBytes: MAX_RECEIPT_BYTES });
      break;
    } catch (error) {
      // 404 is "not in a block yet"; anything else (a busy or restarting node) is tried again until the deadline.
      if (!(error instanceof ApiError) || error.status !== 404) lastProblem = error.message;
    }
    await pause(RECEIPT_POLL_MS, controller.signal);
  }
  if (controller.signal.aborted) return;
  if (!receipt) {
    progress.dataset.state = 'timeout';
    progress.textContent = `Your vote is not in a block after ${RECEIPT_DEADLINE_MS / 1000} s. It was accepted and may still be committed: check later with the id above, or cast it again.`
      + (lastProblem ? ` (The last try to read it said: ${lastProblem})` : '');
    return;
  }
  progress.dataset.state = 'found';
  progress.textContent = `Your vote is in block ${formatNumber(receipt.height)}. Its receipt is checked below, in this page.`;
  const genesis = await chosenGenesis();
  // Tied to the transaction this page signed: a node answering with another vote's genuine receipt fails check 0.
  const report = receiptReport(receipt, genesis, { txId: txIdHex });
  const download = el('a', {
    href: URL.createObjectURL(new Blob([JSON.stringify(receipt, null, 2)], { type: 'application/json' })),
    download: `votechain-receipt-${txIdHex.slice(0, 16)}.json`, 'data-testid': 'receipt-download',
  }, 'Save the receipt (JSON) to check it again later');
  fill(byId('receipt-view'), el('p', {}, 'Your vote\'s id: ', el('code', { 'data-testid': 'receipt-tx-id' }, txIdHex)), report.nodes, el('p', {}, download));
  say(report.ok ? 'Your vote is recorded and its receipt verified.' : 'Your vote\'s receipt did NOT verify.');
  const canRevote = current?.election.definition.allowRevote && current.state === 'open';
  show('revote', Boolean(canRevote));
}

// ---- wiring ------------------------------------------------------------------------------------------------------

byId('credential-load').addEventListener('click', loadCredential);
byId('credential-file').addEventListener('change', loadCredential);
byId('credential-forget').addEventListener('click', () => forget(true));
byId('ballot').addEventListener('submit', cast);
byId('revote').addEventListener('click', async () => {
  const match = matches.find((m) => m.election.definition.electionId === current?.election.definition.electionId);
  if (match) await openBallot(match);
});
startReceiptChecking(say);
// Leaving the page drops the key, and a key pasted or chosen but never loaded with it; coming back from the
// browser's back/forward cache starts empty too.
const clearInputs = () => { byId('credential-text').value = ''; byId('credential-file').value = ''; };
window.addEventListener('pagehide', () => { forget(false); clearInputs(); });
window.addEventListener('pageshow', (event) => { if (event.persisted) { forget(false); clearInputs(); } });
byId('main').dataset.ready = '1';
