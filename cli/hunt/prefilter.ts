/**
 * A byte-level pre-filter: may a decompressed log file hold a record the classifier would match?
 * `false` means certainly not, so the file need not be parsed; `true` means parse it and classify
 * every record (false positives only cost time).
 *
 * Why it never drops a match. `WatchedCallClassifier.classify` matches a record only if a leaf at
 * `eventName` is a string equal to one of the watched names (`mayMatch` in classify.ts; arrays are
 * flattened, so an array of names counts too). In the file that string is a JSON string literal:
 * `"` + each character, literal or escaped + `"`. Watched names are ASCII letters and digits only
 * (checked here; otherwise the filter is off), and the only JSON escape that can stand for a letter
 * or digit is `\uXXXX` (`\n`, `\t`, `\"`, `\\`, `\/`, `\b`, `\f`, `\r` stand for other characters).
 * UTF-8 cannot spell an ASCII byte inside a multi-byte sequence, and Node's decoder turns overlong
 * forms into U+FFFD. So unless the file holds a `\u` escape of a letter or digit (then: parse), the
 * name appears verbatim between two `"` bytes. Each name contains one of a few anchors (substrings
 * chosen from the names themselves, never hard-coded); the filter finds every occurrence of every
 * anchor, widens it to the run of letters and digits around it, and answers true when that run is
 * quoted on both sides and is a watched name. Every verbatim quoted name is such a run.
 */

/** The bytes a watched name may consist of for the filter to be on: ASCII letters and digits. */
const NAME = /^[A-Za-z0-9]+$/;

function isNameByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

const QUOTE = 0x22;
const BACKSLASH_U = Buffer.from('\\u');

/** The shortest anchor considered (unless a name is shorter): short anchors hit too often. */
const MIN_ANCHOR = 5;

/**
 * A few substrings such that every name contains one: greedily the substring (of at least
 * {@link MIN_ANCHOR} characters, or the whole name when shorter) that covers the most names not yet
 * covered, the longest on a tie, then the first in sort order. Deterministic.
 */
export function chooseAnchors(names: readonly string[]): string[] {
  const uncovered = new Set(names);
  const anchors: string[] = [];
  while (uncovered.size > 0) {
    const candidates = new Set<string>();
    for (const n of uncovered) {
      const min = Math.min(MIN_ANCHOR, n.length);
      for (let i = 0; i + min <= n.length; i++) for (let j = i + min; j <= n.length; j++) candidates.add(n.slice(i, j));
    }
    let best = '';
    let bestCover = 0;
    for (const c of [...candidates].sort()) {
      let cover = 0;
      for (const n of uncovered) if (n.includes(c)) cover++;
      if (cover > bestCover || (cover === bestCover && c.length > best.length)) {
        best = c;
        bestCover = cover;
      }
    }
    anchors.push(best);
    for (const n of [...uncovered]) if (n.includes(best)) uncovered.delete(n);
  }
  return anchors;
}

export class PreFilter {
  /** Off when a name has a character other than an ASCII letter or digit: every file is parsed. */
  readonly enabled: boolean;
  readonly anchors: readonly string[];
  private readonly anchorBytes: readonly Buffer[];
  private readonly names: ReadonlySet<string>;
  private readonly longest: number;

  constructor(names: readonly string[]) {
    const unique = [...new Set(names)];
    this.names = new Set(unique);
    this.enabled = unique.length > 0 && unique.every((n) => NAME.test(n));
    this.anchors = this.enabled ? chooseAnchors(unique) : [];
    this.anchorBytes = this.anchors.map((a) => Buffer.from(a, 'latin1'));
    this.longest = Math.max(0, ...unique.map((n) => n.length));
  }

  /** Whether `text` (UTF-8 JSON) may hold a record with a watched `eventName`; false: certainly not. */
  mayMatch(text: Uint8Array): boolean {
    if (!this.enabled) return true;
    const buf = asBuffer(text);
    if (escapeMaySpellName(buf)) return true;
    return this.quotedNames(buf, true).length > 0;
  }

  /**
   * Where the text holds a watched name verbatim between quotes (the offsets of the opening quotes,
   * ascending), or undefined when that cannot tell (the filter is off, or a `\u` escape could spell a
   * name): then only a full parse can.
   */
  namePositions(text: Uint8Array): number[] | undefined {
    if (!this.enabled) return undefined;
    const buf = asBuffer(text);
    if (escapeMaySpellName(buf)) return undefined;
    return this.quotedNames(buf, false).sort((a, b) => a - b);
  }

  private quotedNames(buf: Buffer, first: boolean): number[] {
    const found: number[] = [];
    for (const anchor of this.anchorBytes) {
      for (let at = buf.indexOf(anchor); at >= 0; at = buf.indexOf(anchor, at + 1)) {
        const quote = this.quotedNameAround(buf, at, anchor.length);
        if (quote >= 0 && !found.includes(quote)) {
          found.push(quote);
          if (first) return found;
        }
      }
    }
    return found;
  }

  /**
   * The offset of the opening quote when the run of letters and digits around `buf[at, at+len)` is
   * quoted and a watched name; -1 otherwise.
   */
  private quotedNameAround(buf: Buffer, at: number, len: number): number {
    let start = at;
    while (start > 0 && isNameByte(buf[start - 1])) {
      start--;
      if (at + len - start > this.longest) return -1;
    }
    let end = at + len;
    while (end < buf.length && isNameByte(buf[end])) {
      end++;
      if (end - start > this.longest) return -1;
    }
    if (start === 0 || buf[start - 1] !== QUOTE || end >= buf.length || buf[end] !== QUOTE) return -1;
    return this.names.has(buf.toString('latin1', start, end)) ? start - 1 : -1;
  }
}

function asBuffer(text: Uint8Array): Buffer {
  return Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The offset of the quote that closes the string opening at `open` (one preceded by an even number of
 * backslashes), or -1. Native search for the quote: strings are most of a CloudTrail file's bytes.
 */
function closingQuote(b: Buffer, open: number): number {
  for (let at = b.indexOf(QUOTE, open + 1); at >= 0; at = b.indexOf(QUOTE, at + 1)) {
    let k = at - 1;
    while (b[k] === BACKSLASH) k--;
    if ((at - 1 - k) % 2 === 0) return at;
  }
  return -1;
}

/**
 * The spans `[start, end)` of the elements of the array that opens at `open` (the offset of its `[`),
 * found by a scan that knows JSON's strings and brackets (not a validator: it trusts what is between
 * the brackets to be JSON, as `JSON.parse` of each span then checks), and the offset just after the
 * array's `]`. Undefined when the brackets do not close.
 */
export function arraySpans(text: Uint8Array, open: number): { spans: number[]; end: number } | undefined {
  const buf = asBuffer(text);
  const spans: number[] = [];
  const n = buf.length;
  let i = open + 1;
  for (;;) {
    while (i < n && (isSpace(buf[i]) || buf[i] === COMMA)) i++;
    if (i >= n) return undefined;
    if (buf[i] === CLOSE_BRACKET) return { spans, end: i + 1 };
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      const b = buf[i];
      if (b === QUOTE) {
        i = closingQuote(buf, i);
        if (i < 0) return undefined;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        depth++;
      } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        if (depth === 0) break;
        if (--depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && (b === COMMA || isSpace(b))) {
        break;
      }
    }
    if (i === start || i > n) return undefined;
    spans.push(start, i);
  }
}

/**
 * Whether a `\u` escape in the text could stand for a letter or digit (or is malformed, so a parse
 * should say so). `\\u0041` (an escaped backslash, then text) is counted too: a false positive only.
 */
export function escapeMaySpellName(buf: Buffer): boolean {
  for (let at = buf.indexOf(BACKSLASH_U); at >= 0; at = buf.indexOf(BACKSLASH_U, at + 2)) {
    if (at + 6 > buf.length) return true;
    const code = Number.parseInt(buf.toString('latin1', at + 2, at + 6), 16);
    if (!/^[0-9A-Fa-f]{4}$/.test(buf.toString('latin1', at + 2, at + 6))) return true;
    if (code < 0x80 && isNameByte(code)) return true;
  }
  return false;
}
