// The node's JSON API as the pages use it (docs/JSON-API.md), same origin only. Every call is bounded: a deadline
// (AbortController), and a cap on the bytes read before anything is parsed, so a slow or hostile answer can neither
// hang a page nor fill its memory. Refusals come back as ApiError carrying the rule's stable reason (RejectCode name),
// the node's sentence, the HTTP status and, for 429, the seconds to wait.

import { toBase64 } from './codec.js';

const DEFAULT_TIMEOUT_MS = 10_000;
// An answer's size cap: a block is at most the chain's max_block_bytes (a few MiB) as base64 inside JSON.
const MAX_ANSWER_BYTES = 24 * 1024 * 1024;
const MAX_SMALL_ANSWER_BYTES = 1024 * 1024;
// One tally line: 256 options with a 64-byte ciphertext each as base64 is about 23 KB; anything far past that is not a tally.
const MAX_TALLY_LINE_BYTES = 256 * 1024;

export class ApiError extends Error {
  constructor(message, { status = 0, reason = '', retryAfterSeconds = 0 } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Reads at most maxBytes of a response body, then gives up (and cancels the rest). */
async function readBounded(response, maxBytes) {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new ApiError(`The node's answer is too large (${declared} bytes).`, { status: response.status });
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ApiError(`The node's answer is too large (over ${maxBytes} bytes).`, { status: response.status });
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(`The node's answer to ${what} is not JSON.`);
  }
}

/** Turns an error answer ({code, message, details:[{reason}]}, google.rpc.Status) into an ApiError. */
function refusal(response, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not the API's error shape (a proxy page, a 404 of the web server): the status says enough.
  }
  const reason = body?.details?.find((d) => typeof d?.reason === 'string')?.reason ?? '';
  const message = typeof body?.message === 'string' && body.message ? body.message : `HTTP ${response.status} ${response.statusText}`.trim();
  const retryAfterSeconds = Number.parseInt(response.headers.get('retry-after') ?? '', 10) || 0;
  return new ApiError(message, { status: response.status, reason, retryAfterSeconds });
}

async function request(path, { method = 'GET', body, timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = MAX_SMALL_ANSWER_BYTES, signal } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ApiError(`The node did not answer ${path} within ${timeoutMs / 1000} s.`)), timeoutMs);
  const onOuterAbort = () => controller.abort(signal.reason);
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const response = await fetch(path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'omit',
    });
    const text = await readBounded(response, maxBytes);
    if (!response.ok) throw refusal(response, text);
    return parseJson(text, path);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (controller.signal.aborted && controller.signal.reason instanceof ApiError) throw controller.signal.reason;
    throw new ApiError(`Cannot reach the node (${error?.message ?? error}).`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onOuterAbort);
  }
}

const enc = encodeURIComponent;

export const api = {
  status: (opts) => request('/v1/status', opts),
  genesis: (opts) => request('/v1/genesis', opts),
  elections: (opts) => request('/v1/elections', { maxBytes: 8 * 1024 * 1024, ...opts }),
  election: (id, opts) => request(`/v1/elections/${enc(id)}`, opts),
  tally: (id, opts) => request(`/v1/elections/${enc(id)}/tally`, opts),
  secret: (id, opts) => request(`/v1/elections/${enc(id)}/secret`, { maxBytes: 8 * 1024 * 1024, ...opts }),
  voter: (id, credentialHex, opts) => request(`/v1/elections/${enc(id)}/voters/${enc(credentialHex)}`, opts),
  block: (height, opts) => request(`/v1/blocks/${enc(String(height))}`, { maxBytes: MAX_ANSWER_BYTES, timeoutMs: 20_000, ...opts }),
  blockByHash: (hashHex, opts) => request(`/v1/blocks/hash/${enc(hashHex)}`, { maxBytes: MAX_ANSWER_BYTES, timeoutMs: 20_000, ...opts }),
  receipt: (txIdHex, opts) => request(`/v1/receipts/${enc(txIdHex)}`, { maxBytes: 4 * 1024 * 1024, ...opts }),
  /** Submits serialized TxEnvelope bytes; resolves to {txId} (base64) or throws ApiError with the rule's reason. */
  submit: (envelope, opts) => request('/v1/transactions', { method: 'POST', body: { envelope: toBase64(envelope) }, ...opts }),
};

/** Waits ms, or less if the signal aborts. */
export function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows an election's tally live: GET /v1/elections/{id}/tally/stream answers one JSON TallyResponse per line, the
 * current one first, then one per block that changed it. See followLines for the reconnecting.
 */
export function followTally(electionId, onTally, options) {
  return followLines(`/v1/elections/${enc(electionId)}/tally/stream`, MAX_TALLY_LINE_BYTES, onTally, options);
}

/** Follows the node's status: GET /v1/status/stream, the status now and again after every committed block. */
export function followStatus(onStatus, options) {
  return followLines('/v1/status/stream', MAX_SMALL_ANSWER_BYTES, onStatus, options);
}

/**
 * Reads a stream of JSON lines with a fetch ReadableStream reader, hands each object to onObject, and, since the node
 * ends its streams after a while, reconnects after an end or an error with backoff (1 s doubling to 30 s, with jitter
 * so many pages do not come back at once; back to 1 s after an object arrived; at least the node's Retry-After).
 * onState(connected: bool, detail) reports the connection for the page to say. Stops when signal aborts, or for good
 * on a 404 (nothing there to follow).
 */
async function followLines(path, maxLineBytes, onObject, { signal, onState = () => {} } = {}) {
  let backoffMs = 1000;
  while (!signal?.aborted) {
    try {
      const response = await fetch(path, {
        headers: { accept: 'application/json' },
        signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!response.ok) throw refusal(response, await readBounded(response, MAX_SMALL_ANSWER_BYTES));
      onState(true, '');
      await readLines(response.body, maxLineBytes, (line) => {
        onObject(parseJson(line, path));
        backoffMs = 1000;
      });
      onState(false, 'the node ended the stream; reconnecting');
    } catch (error) {
      if (signal?.aborted) return;
      onState(false, error?.message ?? String(error));
      if (error instanceof ApiError && error.status === 404) return;
      if (error instanceof ApiError && error.retryAfterSeconds) backoffMs = Math.max(backoffMs, error.retryAfterSeconds * 1000);
    }
    await pause(backoffMs * (0.75 + Math.random() * 0.5), signal);
    backoffMs = Math.min(backoffMs * 2, 30_000);
  }
}

/** Splits a byte stream into lines, refusing any line longer than maxLineBytes before it is buffered further. */
async function readLines(body, maxLineBytes, onLine) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line) onLine(line);
      }
      if (pending.length > maxLineBytes) throw new ApiError(`A streamed line is longer than ${maxLineBytes} bytes.`);
    }
    if (pending.trim()) onLine(pending.trim());
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
}
