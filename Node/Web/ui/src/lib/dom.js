import { fromBase64, hex } from './codec.js';

// Small DOM helpers the three pages share. Everything goes in as text nodes (never innerHTML), so a title, option
// name or node message with markup in it is shown as it is and cannot run.

/** el('p', {class: 'x', 'data-testid': 'y'}, 'text', child, ...): attributes set as attributes, children as nodes or text. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces a node's children. */
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, ...children);
}

export const byId = (id) => document.getElementById(id);

/** A hex string shortened for reading (first 8 and last 4 digits); the full value goes in a title attribute. */
export function shortHex(hexString) {
  return hexString.length <= 16 ? hexString : `${hexString.slice(0, 8)}…${hexString.slice(-4)}`;
}

/** The proto3 JSON mapping may give 64-bit integers as strings or numbers, and omits zeros. */
export const num = (value) => (value === undefined || value === null || value === '' ? 0 : Number(value));

const numberFormat = new Intl.NumberFormat('en');
export const formatNumber = (value) => numberFormat.format(num(value));

/** A time in UTC, in one fixed format on every page (the chain's times are UTC milliseconds). */
export function formatTime(unixMs) {
  if (!unixMs) return '—';
  return new Date(unixMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** Base64 of the JSON mapping to lower-case hex ('' for none), through the library's one decoder. */
export function base64ToHex(text) {
  return text ? hex(fromBase64(text)) : '';
}

/** A hash or key as the pages print it: hex text as it is (lower-cased), bytes in hex, nothing as ''. */
export const asHex = (value) => (typeof value === 'string' ? value.toLowerCase() : value ? hex(value) : '');

/** A file input's chosen file as text (null when none), refused before reading when it is larger than maxBytes. */
export async function readChosenFile(input, maxBytes, what) {
  const file = input.files?.[0];
  if (!file) return null;
  if (file.size > maxBytes) throw new Error(`The ${what} is ${formatNumber(file.size)} bytes; a ${what} is at most ${formatNumber(maxBytes)}.`);
  return file.text();
}

/**
 * Text the chain supplies (election titles, options), wrapped in Unicode isolates (FSI ... PDI): a right-to-left
 * override or other bidi control inside it cannot reorder the page's own words around it.
 */
export const isolate = (text) => `\u2068${text}\u2069`;
