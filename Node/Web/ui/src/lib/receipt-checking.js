// The vote page's receipt checking apart from casting: which genesis receipts are checked against (the node's, with
// its hash shown to compare with the published one, or a genesis.json the voter loads), and checking a saved receipt.
//
// Hooks for browser tests (stable): #genesis-file, [data-testid=genesis-info] (data-source=node|file) with
// [data-testid=genesis-hash], [data-testid=genesis-error], [data-testid=genesis-node] ("use this node's genesis");
// #receipt-file, #receipt-text, [data-testid=receipt-check], [data-testid=receipt-check-view] (the report, as in
// lib/receipt-view.js) or [data-testid=receipt-check-error].
import { api } from './api.js';
import { asHex, base64ToHex, byId, el, fill, readChosenFile } from './dom.js';
import { decodeGenesis, fromBase64, genesisFromJsonFile } from './codec.js';
import { describeReceipt } from './receipt.js';
import { receiptReport } from './receipt-view.js';

const MAX_GENESIS_BYTES = 1024 * 1024;
/** The most a receipt may take, fetched or loaded (the vote step fetches with the same bound). */
export const MAX_RECEIPT_BYTES = 4 * 1024 * 1024;

let nodeGenesis = null;
let fileGenesis = null;
let say = () => {};


export async function chosenGenesis() {
  if (fileGenesis) return fileGenesis;
  if (!nodeGenesis) {
    const answer = await api.genesis();
    const genesis = decodeGenesis(fromBase64(answer.genesis));
    nodeGenesis = { ...genesis, hash: asHex(genesis.hash), source: 'this node\'s genesis' };
  }
  return nodeGenesis;
}

async function showGenesis() {
  const info = byId('genesis-info');
  try {
    const genesis = await chosenGenesis();
    info.dataset.source = fileGenesis ? 'file' : 'node';
    if (fileGenesis && !nodeGenesis) {
      // Only to compare the two hashes; without the node's the loaded file still checks receipts.
      const fromNode = await api.genesis().then((a) => decodeGenesis(fromBase64(a.genesis))).catch(() => null);
      if (fromNode) nodeGenesis = { ...fromNode, hash: asHex(fromNode.hash), source: 'this node\'s genesis' };
    }
    const compare = fileGenesis && nodeGenesis
      ? (fileGenesis.hash === nodeGenesis.hash ? ' It is the genesis this node runs.' : ' It is NOT the genesis this node runs: this node is on another chain.')
      : '';
    fill(info, el('p', {}, fileGenesis ? 'Using the genesis.json you loaded, hash ' : 'Using this node\'s genesis, hash ',
      el('code', { 'data-testid': 'genesis-hash' }, genesis.hash), '.', compare,
      fileGenesis ? '' : ' Compare this hash with the one the election authorities published; if they differ, do not trust this node\'s receipts — load the published genesis.json instead.'));
    byId('genesis-node').hidden = !fileGenesis;
  } catch (error) {
    fill(info, el('p', { class: 'refusal' }, `The genesis could not be read: ${error.message}`));
  }
}

async function loadGenesisFile() {
  const input = byId('genesis-file');
  try {
    const text = await readChosenFile(input, MAX_GENESIS_BYTES, 'genesis file');
    if (text === null) return;
    const genesis = genesisFromJsonFile(text);
    fileGenesis = { ...genesis, hash: asHex(genesis.hash), source: 'the genesis.json you loaded' };
  } catch (error) {
    // A file that is not a genesis never stays in use: back to the node's, and say both.
    fileGenesis = null;
    input.value = '';
    await showGenesis();
    byId('genesis-info').prepend(el('p', { class: 'refusal', 'data-testid': 'genesis-error' }, error.message));
    return;
  }
  await showGenesis();
}

async function checkSavedReceipt() {
  const view = byId('receipt-check-view');
  try {
    const text = (await readChosenFile(byId('receipt-file'), MAX_RECEIPT_BYTES, 'receipt file')) ?? byId('receipt-text').value;
    if (!text.trim()) throw new Error('Choose a receipt file, or paste a receipt, first.');
    if (text.length > MAX_RECEIPT_BYTES) throw new Error('The pasted text is far too long for a receipt.');
    let receipt;
    try {
      receipt = JSON.parse(text);
    } catch {
      throw new Error('This is not a receipt: it is not JSON.');
    }
    // A saved receipt's unproven `standing` is what the node said when it was saved, or whatever its holder wrote: not
    // shown as this node's word. Its proven standing is checked and shown: it proves what held at its own block.
    const report = receiptReport(receipt, await chosenGenesis(), { standing: false });
    const txIdHex = base64ToHex(typeof receipt?.txId === 'string' ? receipt.txId : '');
    fill(view, el('p', {}, 'Receipt for vote id ', el('code', {}, txIdHex || '(none)')), whatItIs(receipt), report.nodes);
    say(report.ok ? 'The receipt verified.' : 'The receipt did NOT verify.');
  } catch (error) {
    fill(view, el('p', { class: 'refusal', 'data-testid': 'receipt-check-error' }, error.message));
  } finally {
    byId('receipt-file').value = '';
  }
}

/** Wires the genesis choice and the saved-receipt check; say(text) is the page's status line. */
export function startReceiptChecking(pageSay) {
  say = pageSay;
  byId('genesis-file').addEventListener('change', loadGenesisFile);
  byId('genesis-node').addEventListener('click', async () => {
    fileGenesis = null;
    byId('genesis-file').value = '';
    await showGenesis();
  });
  byId('receipt-check').addEventListener('click', checkSavedReceipt);
  showGenesis();
}

/**
 * What a pasted receipt is a receipt of, read from its own envelope: a verified receipt proves that this transaction
 * is final, so the person must see which one it is (their vote, not someone else's).
 */
function whatItIs(receipt) {
  let described;
  try {
    described = describeReceipt(receipt);
  } catch (error) {
    return el('p', { class: 'note', 'data-testid': 'receipt-describes' }, error.message);
  }
  const what = described.kind === 'castVote'
    ? `a vote for choice ${described.option + 1} (sequence ${described.sequence})`
    : described.kind === 'castEncryptedVote' ? 'a secret (encrypted) vote' : `a transaction of kind ${described.kind}`;
  return el('p', { 'data-testid': 'receipt-describes' },
    `It is ${what}${described.electionId ? ` in election ${described.electionId}` : ''}, signed by the key `,
    el('code', {}, described.signer.slice(0, 16)), '…');
}
