// Shows a receipt check (lib/receipt.js verifyReceipt) to a person: the five checks in order, each with its result
// in words ("ok", "FAILED", "not checked"), the problem where one failed, the overall verdict, and whether this vote
// is the one counted: proven against a certified header when the receipt carries a proven standing (lib/standing.js),
// else the node's word, labelled as such (the five checks do not cover it).
//
// Hooks (stable): [data-testid=receipt-checks] li[data-check=NAME][data-result=ok|FAILED|not checked];
// [data-testid=receipt-verdict][data-verdict=ok|FAILED]; [data-testid=receipt-genesis];
// [data-testid=receipt-proven-standing][data-standing=counted|replaced|revoked|none|contradicted|failed|not checked]
// (with data-height, the proven block's, unless failed or not checked: the receipt itself did not verify);
// [data-testid=receipt-standing] (the node's word, only without a proven standing).
import { verifyReceipt } from './receipt.js';
import { verifyStanding } from './standing.js';
import { base64ToHex, el, formatNumber, num } from './dom.js';

/**
 * The receipt checked against genesis ({..., hash, source}) as DOM nodes; → {ok, nodes}. txId (hex) ties it to the
 * transaction the page submitted. A proven standing is checked and shown for fresh and saved receipts alike: it proves
 * what held at its own block, whoever kept the file. standing: false leaves out the unproven `standing`, which is the
 * node's word only when the node just answered it (a saved file's copy is stale, or anything its holder wrote). A
 * genesis that cannot be a trust root throws its sentence (lib/codec.js).
 */
export function receiptReport(receiptJson, genesis, { txId, standing: showStanding = true } = {}) {
  const { ok, checks } = verifyReceipt(receiptJson, genesis, txId === undefined ? {} : { txId });
  const height = num(receiptJson?.height);
  const verdict = ok
    ? el('p', { class: 'verdict verdict-ok', 'data-testid': 'receipt-verdict', 'data-verdict': 'ok' },
      `Verified: this vote is in block ${formatNumber(height)}, which a quorum of the genesis validators signed as final.`)
    : el('p', { class: 'verdict verdict-FAILED', 'data-testid': 'receipt-verdict', 'data-verdict': 'FAILED' },
      'FAILED: this receipt does not prove the vote is on the chain. ',
      checks.find((c) => c.result === 'FAILED')?.problem ?? '');
  const list = el('ul', { class: 'checks', 'data-testid': 'receipt-checks' }, checks.map((check) =>
    el('li', { 'data-check': check.name, 'data-result': check.result },
      el('span', { class: `result-${check.result.replace(' ', '-')}` }, check.result), ' — ',
      el('code', {}, check.name), `: ${check.description}`,
      check.problem ? el('span', { class: 'problem' }, ` (${check.problem})`) : null)));
  const txIdHex = base64ToHex(receiptJson?.txId ?? '');
  // The standing is of the receipt's own transaction: when the checks fail (another voter's receipt, a block not
  // certified) it says nothing about this vote, so it reads "not checked", as the checks after a failure do.
  const proven = ok ? verifyStanding(receiptJson, genesis) : receiptJson?.provenStanding ? { kind: 'not checked' } : null;
  return {
    ok,
    nodes: [
      verdict,
      el('p', { 'data-testid': 'receipt-genesis' }, `Checked against ${genesis.source}, genesis hash `, el('code', {}, genesis.hash), '.'),
      el('h3', {}, 'The checks'),
      list,
      proven ? provenStanding(proven) : showStanding ? standing(receiptJson, txIdHex) : null,
    ],
  };
}

// The proven standing in words: what held at the proven block, which a later block may have changed.
function provenStanding(proven) {
  if (proven.kind === 'not checked') {
    return el('p', { class: 'note', 'data-testid': 'receipt-proven-standing', 'data-standing': 'not checked' },
      'Whether this vote counts is not checked: the receipt did not verify.');
  }
  if (proven.kind === 'failed') {
    return el('p', { class: 'refusal', 'data-testid': 'receipt-proven-standing', 'data-standing': 'failed' },
      `FAILED: the proof of whether this vote counts does not verify: ${proven.problem}`);
  }
  const words = {
    counted: () => 'this vote is the ballot counted for its credential.',
    replaced: () => [`a later ballot of the same credential replaced this vote: transaction `,
      el('code', { 'data-testid': 'receipt-replaced-by' }, proven.replacedByTxId), `, in block ${formatNumber(num(proven.replacedAtHeight))}. That one is counted.`],
    revoked: () => ['the credential was revoked, so this vote no longer counts.',
      ...(proven.replacementCredential ? [' It was replaced by the credential ', el('code', {}, proven.replacementCredential.slice(0, 16)), '…'] : [])],
    contradicted: () => 'the chain\'s ballot names this transaction but holds other ciphertexts than it carries: this vote does not count as sent.',
    none: () => `${proven.sentence.replace(/^no: the chain/, 'the chain')}, so this vote does not count.`,
  }[proven.kind]();
  return el('p', { 'data-testid': 'receipt-proven-standing', 'data-standing': proven.kind, 'data-height': proven.height },
  `Proven at block ${formatNumber(num(proven.height))} (its certified header, checked from the genesis validators alone; a later block may change it): `,
  words);
}

// The receipt's standing is the node's statement, not part of what the checks prove.
function standing(receiptJson, txIdHex) {
  const record = receiptJson?.standing;
  if (!record) return null;
  const ballot = record.ballot;
  let words;
  if (!record.credential) words = 'This node holds no registration for the signer.';
  else if (record.credential.revoked) words = 'The credential has since been revoked, so this vote no longer counts.';
  else if (ballot && base64ToHex(ballot.txId ?? '') === txIdHex && ballot.counted) words = 'This vote is the one counted now.';
  else if (ballot) words = 'A later vote from the same credential has replaced this one; the later vote is the one counted.';
  else words = 'This node has no counted vote for the credential.';
  return el('p', { class: 'note', 'data-testid': 'receipt-standing' },
    `The node's word (at block ${formatNumber(record.height)}, not proven by the receipt): ${words}`);
}
