/**
 * Tells whether a line of a store-format day file (eight columns) is already, character for
 * character, the line an export writes for the row it holds, so the export can copy it through
 * instead of parsing it into a row and encoding the row again.
 *
 * The export writes a row as csv-stringify would: the time as read, numbers as `'' + value`
 * (null as empty), text quoted only when it holds a comma, quote or line end. The store's writer
 * writes the same (csv-line.ts), so its lines are canonical; what is not, and must take the row
 * path, is anything the reader would change or might reject:
 * - a time not in the store's format (the reader rewrites it) or with a comma before its end;
 * - a number not in the shortest form JavaScript prints (`1.50`, `007`, `-0`, `1e3`, ` 5`),
 *   with more than 15 digits (it may not round-trip), or below 1e-6 (printed with an exponent);
 * - any quote (a quoted field is unquoted by the reader, maybe re-quoted by the encoder);
 * - a column count other than eight.
 * Being conservative is always safe: a line wrongly judged not canonical only costs the row path.
 */
import { hasStoreTimeShape } from './row-parser.js';

const STORE_TIME_LENGTH = 29;
const MAX_EXACT_DIGITS = 15;
/** Zeros after "0." from which JavaScript prints a number with an exponent (1e-7 and below). */
const EXPONENT_ZEROS = 6;

const COMMA = 44;
const QUOTE = 34;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * End of a canonical number field starting at `at` (the index of the character after it), or -1
 * when the field is not in canonical form. An empty field (null) is canonical.
 */
function numberEnd(text: string, at: number): number {
  let i = at;
  let c = text.charCodeAt(i);
  if (c === COMMA || c === 10 || Number.isNaN(c)) return i; // empty: null, written as nothing
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++i);
  let digits = 0;
  let zeroInteger = false;
  if (c === ZERO) {
    zeroInteger = true;
    digits = 1;
    c = text.charCodeAt(++i);
    if (isDigit(c)) return -1; // a leading zero
  } else if (isDigit(c)) {
    do {
      digits++;
      c = text.charCodeAt(++i);
    } while (isDigit(c));
  } else {
    return -1;
  }
  if (c === DOT) {
    const fractionStart = ++i;
    let leadingZeros = 0;
    let seenNonZero = false;
    for (c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt(++i)) {
      digits++;
      if (c !== ZERO) seenNonZero = true;
      else if (!seenNonZero) leadingZeros++;
    }
    if (i === fractionStart || text.charCodeAt(i - 1) === ZERO) return -1; // "5." or a trailing zero
    if (zeroInteger && leadingZeros >= EXPONENT_ZEROS) return -1;
  } else if (negative && zeroInteger) {
    return -1; // "-0" is written "0"
  }
  return digits > MAX_EXACT_DIGITS ? -1 : i;
}

/** End of a text field starting at `at` that needs no quoting (no quote; it ends at a comma or the line end). */
function textEnd(text: string, at: number, to: number): number {
  for (let i = at; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA) return i;
    if (c === QUOTE) return -1;
  }
  return to;
}

/** Start of the field after a canonical number field at `at` ending in a comma before `to`; -1 otherwise. */
function afterNumber(text: string, at: number, to: number): number {
  const end = numberEnd(text, at);
  return end !== -1 && end < to && text.charCodeAt(end) === COMMA ? end + 1 : -1;
}

/** Start of the field after a text field at `at` that needs no quoting and ends in a comma before `to`; -1 otherwise. */
function afterText(text: string, at: number, to: number): number {
  const end = textEnd(text, at, to);
  return end !== -1 && end < to ? end + 1 : -1;
}

/**
 * When the eight-column line text[from..to) (its time already read by the LineParser) is
 * canonical, the offset where its interface name starts (the name ends at the next comma);
 * otherwise -1.
 */
export function canonicalLineAdapterAt(text: string, from: number, to: number): number {
  if (text.charCodeAt(from + STORE_TIME_LENGTH) !== COMMA || !hasStoreTimeShape(text, from)) return -1;
  // The parser read the time in the store's format (and kept its text) only when the first comma ends it.
  if (text.indexOf(',', from) !== from + STORE_TIME_LENGTH) return -1;
  let at = afterNumber(text, from + STORE_TIME_LENGTH + 1, to); // cpu_usage
  if (at !== -1) at = afterNumber(text, at, to); // ram_free
  const adapterAt = at;
  if (at !== -1) at = afterText(text, at, to); // network_adapter
  if (at !== -1) at = afterNumber(text, at, to); // net_usage_up
  if (at !== -1) at = afterNumber(text, at, to); // net_usage_down
  if (at !== -1) at = afterText(text, at, to); // host
  return at !== -1 && numberEnd(text, at) === to ? adapterAt : -1; // elapsed_s, the last
}
