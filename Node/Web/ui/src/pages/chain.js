// The chain page (chain.html): this node's health, the validators with their connection state, the latest blocks
// with their transactions, and any block by height or hash. Follows /v1/status/stream (a status per committed block,
// one held connection); a new head fetches only the blocks not yet shown (at most LATEST), one at a time, so a busy
// chain costs the node little.
//
// Hooks for browser tests (stable):
//   #node [data-testid=node]               facts; each dd has data-testid node-name|node-role|node-height|node-view|
//                                          node-syncing|node-mempool|node-evidence|node-chain|node-head|node-genesis
//   #validators tr[data-validator-index=i] one validator; data-connection = connected|disconnected|self
//                                          [data-testid=validator-connection], [data-testid=validator-height]
//   #blocks details[data-height=N]          one block (newest first); its summary, then a table of transactions:
//                                          tr[data-testid=tx] with [data-testid=tx-kind|tx-signer|tx-election]
//   #find-block form, #block-query input, [data-testid=block-open] button
//   #block-detail [data-testid=block-detail]  the opened block (a details[data-height], open) or an error
//                                          ([data-testid=block-error])

import { api, followStatus } from '../lib/api.js';
import { decodeBlock, decodeGenesis, fromBase64 } from '../lib/codec.js';
import { asHex, base64ToHex, byId, el, fill, formatNumber, formatTime, num, shortHex } from '../lib/dom.js';

const RETRY_MS = 5_000;
const LATEST = 20;

const KIND_WORDS = Object.freeze({
  createElection: 'Create election',
  registerVoters: 'Register voters',
  revokeCredential: 'Revoke credential',
  castVote: 'Vote',
  castEncryptedVote: 'Secret vote',
  keyDeal: 'Key generation: deal',
  keyAck: 'Key generation: acknowledgement',
  keyReveal: 'Key generation: reveal',
  decryptionShares: 'Decryption shares',
  publishResult: 'Publish result',
  closeTally: 'Close tally',
  credentialServed: 'Credential served (issuer)',
  registerAnonymous: 'Register anonymous credential',
  delegation: 'Proxy appointment',
});


let genesis = null;
let shownHeight = 0;
const blocks = byId('blocks');

function say(text) {
  byId('status').textContent = text;
}

function fact(term, id, value) {
  return [el('dt', {}, term), el('dd', { 'data-testid': id }, value)];
}

function renderNode(status) {
  fill(byId('node'),
    fact('Name', 'node-name', status.name || '—'),
    fact('Role', 'node-role', status.role === 'validator' ? 'Validator (takes part in consensus)' : 'Observer (checks every block, signs nothing)'),
    fact('Chain', 'node-chain', status.chainId),
    fact('Height', 'node-height', formatNumber(status.height)),
    fact('View', 'node-view', formatNumber(status.view)),
    fact('Syncing', 'node-syncing', status.syncing ? 'Yes — catching up with its peers' : 'No — up to date'),
    fact('Pending transactions', 'node-mempool', formatNumber(status.mempoolSize)),
    fact('Equivocation evidence', 'node-evidence', num(status.evidenceCount) === 0 ? 'None recorded' : `${formatNumber(status.evidenceCount)} records`),
    fact('Head block hash', 'node-head', el('code', {}, base64ToHex(status.headHash))),
    fact('Genesis hash', 'node-genesis', el('code', {}, base64ToHex(status.genesisHash))));
}

function renderValidators(status) {
  if (!genesis) return;
  const peers = new Map((status.peers ?? []).map((p) => [base64ToHex(p.publicKey), p]));
  fill(byId('validators'), genesis.validators.map((validator, index) => {
    const key = asHex(validator.publicKey);
    const peer = peers.get(key);
    // The status lists peers, not the node itself: a validator node is the genesis entry with its own name.
    const self = !peer && status.role === 'validator' && validator.name === status.name;
    const connection = self ? 'self' : peer?.connected ? 'connected' : 'disconnected';
    const words = { self: 'This node', connected: 'Connected', disconnected: 'Not connected' }[connection];
    const height = self ? status.height : peer?.height;
    return el('tr', { 'data-validator-index': index, 'data-connection': connection },
      el('th', { scope: 'row' }, validator.name || `validator ${index}`),
      el('td', {}, el('code', { title: key }, shortHex(key))),
      el('td', { 'data-testid': 'validator-connection' }, el('span', { class: `badge badge-${connection === 'disconnected' ? 'upcoming' : 'open'}` }, words)),
      el('td', { 'data-testid': 'validator-height' }, peer || self ? formatNumber(height) : '—'));
  }));
}

function electionOf(payload) {
  return payload && typeof payload.electionId === 'string' ? payload.electionId : '';
}

function kindWords(tx) {
  const words = KIND_WORDS[tx.kind] ?? (tx.kind ? tx.kind : 'Unknown');
  const voters = tx.kind === 'registerVoters' ? tx.payload?.voters?.length : undefined;
  return voters === undefined ? words : `${words} (${formatNumber(voters)})`;
}

function blockView(answer, open) {
  const block = decodeBlock(fromBase64(answer.block));
  const height = block.header.height;
  const proposer = genesis?.validators?.[block.header.proposerIndex]?.name ?? `validator ${block.header.proposerIndex}`;
  const txs = block.transactions;
  const details = el('details', { 'data-height': height, 'data-testid': 'block', open: open || undefined },
    el('summary', {},
      el('strong', {}, `Block ${formatNumber(height)}`), ` · ${formatTime(block.header.timeUnixMs)} · `,
      `${formatNumber(txs.length)} transaction${txs.length === 1 ? '' : 's'} · proposed by ${proposer}`),
    el('dl', { class: 'facts' },
      fact('Hash', 'block-hash', el('code', {}, asHex(block.hash))),
      fact('Previous hash', 'block-previous', el('code', {}, asHex(block.header.previousHash))),
      fact('Committed in view', 'block-view', block.certificate ? formatNumber(block.certificate.view) : '—'),
      fact('Commit signatures', 'block-signatures', block.certificate ? formatNumber(block.certificate.signatures.length) : 'none (not final)')),
    txs.length === 0
      ? el('p', { class: 'note' }, 'No transactions (an empty block).')
      // A table wider than a phone scrolls in its box, which a keyboard must be able to reach (tabindex) and a
      // screen reader to name (region).
      : el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Transactions of block ${height}` }, el('table', {},
        el('caption', { class: 'visually-hidden' }, `Transactions of block ${height}`),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col' }, 'Signer'), el('th', { scope: 'col' }, 'Election'), el('th', { scope: 'col' }, 'Id'))),
        el('tbody', {}, txs.map((tx) => {
          const signer = asHex(tx.signer);
          const id = asHex(tx.id);
          return el('tr', { 'data-testid': 'tx' },
            el('td', { 'data-testid': 'tx-kind' }, kindWords(tx)),
            el('td', { 'data-testid': 'tx-signer' }, el('code', { title: signer }, shortHex(signer))),
            el('td', { 'data-testid': 'tx-election' }, electionOf(tx.payload) || '—'),
            el('td', {}, el('code', { title: id }, shortHex(id))));
        })))));
  return details;
}

async function refreshBlocks(height) {
  if (height <= shownHeight) return;
  const from = Math.max(shownHeight + 1, height - LATEST + 1, 1);
  for (let h = from; h <= height; h++) {
    blocks.prepend(blockView(await api.block(h), false));
    shownHeight = h;
  }
  while (blocks.children.length > LATEST) blocks.lastElementChild.remove();
  byId('blocks-note').textContent = `The ${Math.min(LATEST, blocks.children.length)} newest blocks, newest first; each opens to show its transactions. Updated as blocks commit.`;
}

let fetchingBlocks = false;

// Each status from the stream (one per committed block) redraws the node and validators at once; the blocks follow,
// one fetch at a time: a status that arrives meanwhile is drawn, and its blocks come with the next one.
async function onStatus(status) {
  renderNode(status);
  renderValidators(status);
  if (fetchingBlocks) return;
  fetchingBlocks = true;
  try {
    await refreshBlocks(num(status.height));
  } catch (e) {
    say(`Could not read the latest blocks: ${e.message}`);
  } finally {
    fetchingBlocks = false;
  }
}

byId('find-block').addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = byId('block-query').value.trim();
  const detail = byId('block-detail');
  const error = (text) => fill(detail, el('p', { class: 'refusal', 'data-testid': 'block-error' }, text));
  let request;
  if (/^\d{1,20}$/.test(query)) request = () => api.block(query);
  else if (/^[0-9a-fA-F]{64}$/.test(query)) request = () => api.blockByHash(query.toLowerCase());
  else return error('Type a block height (a whole number) or a block hash (64 hexadecimal digits).');
  fill(detail, el('p', {}, 'Looking up the block…'));
  try {
    fill(detail, blockView(await request(), true));
  } catch (e) {
    error(e.status === 404 ? `This node has no block ${query}.` : `The block could not be read: ${e.message}`);
  }
});

async function start() {
  while (!genesis) {
    try {
      genesis = decodeGenesis(fromBase64((await api.genesis()).genesis));
    } catch (e) {
      say(`Could not read the genesis from the node: ${e.message}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  byId('main').dataset.ready = '1';
  followStatus(onStatus, {
    onState: (connected, detail) => {
      const status = byId('status');
      if (connected && status.dataset.error) say('Following the node again.');
      if (!connected && detail) say(`Lost the node's live status (${detail}); trying again.`);
      status.dataset.error = connected ? '' : '1';
    },
  });
}

start();
