// The time of the node's latest block: what the pages judge an election's window by (election-state.js). Read from
// GET /v1/status (the height) and that block's header, and kept per height so a page that asks again while the
// chain has not moved costs one status call.
import { api } from './api.js';
import { decodeBlock, fromBase64 } from './codec.js';
import { num } from './dom.js';

let cached = { height: -1, timeUnixMs: 0 };

/** {status, height, timeUnixMs (0 before the first block)}. */
export async function headTime(options) {
  const status = await api.status(options);
  const height = num(status.height);
  if (height !== cached.height) {
    let timeUnixMs = 0;
    if (height > 0) {
      const answer = await api.block(height, options);
      timeUnixMs = num(decodeBlock(fromBase64(answer.block)).header.timeUnixMs);
    }
    cached = { height, timeUnixMs };
  }
  return { status, height, timeUnixMs: cached.timeUnixMs };
}
