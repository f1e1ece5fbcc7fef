/**
 * What a reader does not see: terminal escape sequences, invisible format characters, and
 * markdown markup that renders as nothing inside a word.
 *
 * A token with one of them inside shows whole on the page but matches no rule: `grep --color`
 * wraps the match in colour codes (`\x1b[01;31mghp_\x1b[m…`), a soft hyphen or zero-width space
 * can sit in any pasted text, and in a message `npm_abc**def**`, `npm\_abc` or `&#110;pm_abc`
 * render as one token. Pages drop escape sequences, print invisible characters as they are and
 * render markdown, so the detectors also read the text as it will look, and a finding there
 * covers the whole token in the text as written. (Markdown seen this way in text that is not
 * markdown only adds findings: a second reading never removes one.)
 */
import type { Finding } from './findings.ts';

// Escape sequences as src/lib/render/ansi.ts drops or renders them (CSI incl. colours, OSC, the
// two-character forms, the one-byte CSI), then soft hyphen, Mongolian vowel separator,
// zero-width and directional marks, word joiner and invisible operators, byte order mark; then
// emphasis markers between two word characters, a backslash before `_`, `*` or `~` (how
// markdown escapes them inside an identifier), numeric character references, and JSON's `\uXXXX`
// (JSON inside a JSON string: tool arguments and results).
const HIDDEN =
  // eslint-disable-next-line no-control-regex
  /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B(?:[@-Z\\^_]|[ -/]+[0-~])|\u009B[0-?]*[ -/]*[@-~]|[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+|(?<=\w)(?:\*{1,3}|~~)(?=\w)|\\(?=[_*~])|&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));|\\u([0-9a-fA-F]{4})/g;
const HAS_HIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u001B\u009B\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\w(?:\*{1,3}|~~)\w|\\[_*~]|&#[\dxX]|\\u[0-9a-fA-F]{4}/;

/** True when `text` holds something a reader would not see as written. */
export function hasHidden(text: string): boolean {
  return HAS_HIDDEN.test(text);
}

/** `text` as seen, and for each of its characters where it starts and ends in `text`. */
export interface Unhidden {
  text: string;
  at: Int32Array;
  to: Int32Array;
}

/** `text` as a reader sees it, or null when nothing in it is hidden. */
export function unhidden(text: string): Unhidden | null {
  if (!hasHidden(text)) return null;
  const at = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  const parts: string[] = [];
  let length = 0;
  let pos = 0;
  const keep = (end: number) => {
    for (let i = pos; i < end; i++) {
      at[length] = i;
      to[length++] = i + 1;
    }
    parts.push(text.slice(pos, end));
  };
  HIDDEN.lastIndex = 0;
  for (let m = HIDDEN.exec(text); m !== null; m = HIDDEN.exec(text)) {
    keep(m.index);
    pos = m.index + m[0].length;
    const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined || m[3] !== undefined ? parseInt(m[2] ?? m[3]!, 16) : null;
    if (code !== null) {
      // A reference or escape stands for one character (an invalid one for U+FFFD, as in HTML).
      const char = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
      for (let k = 0; k < char.length; k++) {
        at[length] = m.index;
        to[length++] = pos;
      }
      parts.push(char);
    }
  }
  keep(text.length);
  return { text: parts.join(''), at: at.subarray(0, length), to: to.subarray(0, length) };
}

/**
 * Findings of `find` on `text`, and those it makes only on the text as a reader sees it, moved
 * back onto `text` (a token split by hidden characters is covered from its first character to
 * its last, with what hides inside).
 */
export function findAsSeen(find: (text: string) => Finding[], text: string): Finding[] {
  const found = find(text);
  const seen = unhidden(text);
  if (!seen) return found;
  for (const f of find(seen.text)) {
    if (f.end <= f.start) continue;
    found.push({ ...f, start: seen.at[f.start]!, end: seen.to[f.end - 1]! });
  }
  return found;
}
