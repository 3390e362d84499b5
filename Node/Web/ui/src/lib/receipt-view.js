// Shows a receipt check (lib/receipt.js verifyReceipt) to a person: the five checks in order, each with its result
// in words ("ok", "FAILED", "not checked"), the problem where one failed, the overall verdict, and the node's word on
// whether this vote is the one counted now (which the receipt's proofs do not cover, so it is labelled as such).
//
// Hooks (stable): [data-testid=receipt-checks] li[data-check=NAME][data-result=ok|FAILED|not checked];
// [data-testid=receipt-verdict][data-verdict=ok|FAILED]; [data-testid=receipt-genesis]; [data-testid=receipt-standing].
import { verifyReceipt } from './receipt.js';
import { base64ToHex, el, formatNumber, num } from './dom.js';

/**
 * The receipt checked against genesis ({..., hash, source}) as DOM nodes; → {ok, nodes}. txId (hex) ties it to the
 * transaction the page submitted; standing: false leaves out the receipt's `standing`, which is the node's word only
 * when the node just answered it (a saved file's copy is stale, or anything its holder wrote). A genesis that cannot
 * be a trust root throws its sentence (lib/codec.js).
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
  return {
    ok,
    nodes: [
      verdict,
      el('p', { 'data-testid': 'receipt-genesis' }, `Checked against ${genesis.source}, genesis hash `, el('code', {}, genesis.hash), '.'),
      el('h3', {}, 'The checks'),
      list,
      showStanding ? standing(receiptJson, txIdHex) : null,
    ],
  };
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
    `This node says (at block ${formatNumber(record.height)}, not proven by the receipt): ${words}`);
}
