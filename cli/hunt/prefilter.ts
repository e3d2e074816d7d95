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
    const buf = Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    if (escapeMaySpellName(buf)) return true;
    for (const anchor of this.anchorBytes) {
      for (let at = buf.indexOf(anchor); at >= 0; at = buf.indexOf(anchor, at + 1)) {
        if (this.quotedNameAround(buf, at, anchor.length)) return true;
      }
    }
    return false;
  }

  /** Whether the run of letters and digits around `buf[at, at+len)` is quoted and a watched name. */
  private quotedNameAround(buf: Buffer, at: number, len: number): boolean {
    let start = at;
    while (start > 0 && isNameByte(buf[start - 1])) {
      start--;
      if (at + len - start > this.longest) return false;
    }
    let end = at + len;
    while (end < buf.length && isNameByte(buf[end])) {
      end++;
      if (end - start > this.longest) return false;
    }
    if (start === 0 || buf[start - 1] !== QUOTE || end >= buf.length || buf[end] !== QUOTE) return false;
    return this.names.has(buf.toString('latin1', start, end));
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
