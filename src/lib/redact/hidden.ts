/**
 * What a reader does not see: terminal escape sequences, invisible format characters, and
 * markdown markup that renders as nothing inside a word.
 *
 * A token with one of them inside shows whole on the page but matches no rule: `grep --color`
 * wraps the match in colour codes (`ghp_\x1b[m\x1b[K…`), a soft hyphen or zero-width space can
 * sit in any pasted text, and in a message `npm_abc**def**`, `npm\_abc` or `&#110;pm_abc` render
 * as one token. Pages drop escape sequences, print invisible characters as they are and render
 * markdown, so the detectors also read such lines as they will look, and a finding there covers
 * the whole token in the text as written. (Markdown seen this way in text that is not markdown
 * only adds findings: a second reading never removes one.)
 */
import type { Finding } from './findings.ts';

// Escape sequences as src/lib/render/ansi.ts drops or renders them: CSI (colours included),
// OSC, the two-character forms, the one-byte CSI.
const ESCAPE = String.raw`\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B(?:[@-Z\\^_]|[ -/]+[0-~])|\u009B[0-?]*[ -/]*[@-~]`;
// Soft hyphen, Mongolian vowel separator, zero-width and directional marks, word joiner and
// invisible operators, byte order mark.
const INVISIBLE = String.raw`[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]`;
/** Characters tokens are made of (findings.ts's TOKEN_CHAR). */
const T = String.raw`[A-Za-z0-9+/=_\-.~]`;

/**
 * What splits a token: escape sequences or invisible characters with token characters on both
 * sides, escape sequences glued to the start of a long token-like run (`\x1b[31mghp_…` reads
 * as `mghp_…`, with no word boundary for the rules to start at), emphasis markers between word characters, a backslash before `_`, `*` or `~` (how
 * markdown escapes them inside an identifier), numeric character references, JSON's `\uXXXX`
 * (JSON inside a JSON string: tool arguments and results). Colour codes around whole words,
 * most of a coloured log, split nothing.
 */
const SPLIT = new RegExp(String.raw`${T}(?:${ESCAPE}|${INVISIBLE})+${T}|(?:${ESCAPE})+${T}{16}|\w(?:\*{1,3}|~~)\w|\\[_*~]|&#[\dxX]|\\u[0-9a-fA-F]{4}`, 'g');

/** What a line that splits a token loses when read as seen; numeric references and `\u` escapes become their character. */
const HIDDEN = new RegExp(
  String.raw`${ESCAPE}|${INVISIBLE}+|(?<=\w)(?:\*{1,3}|~~)(?=\w)|\\(?=[_*~])|&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));|\\u([0-9a-fA-F]{4})`,
  'g',
);

/** The lines of `text` that split a token, as seen, and for each character where it starts and ends in `text`. */
export interface Unhidden {
  text: string;
  at: Int32Array;
  to: Int32Array;
}

/**
 * The lines of `text` where something hidden splits a token, as a reader sees them, one per
 * line; null when there are none. A token never spans a line, so only those lines are read again.
 */
export function unhidden(text: string): Unhidden | null {
  SPLIT.lastIndex = 0;
  let split = SPLIT.exec(text);
  if (split === null) return null;
  const at: number[] = [];
  const to: number[] = [];
  const parts: string[] = [];
  const keep = (from: number, end: number) => {
    for (let i = from; i < end; i++) {
      at.push(i);
      to.push(i + 1);
    }
    parts.push(text.slice(from, end));
  };
  while (split !== null) {
    const start = text.lastIndexOf('\n', split.index) + 1;
    // An OSC sequence may run over a line end: the line read again ends after the split.
    const newline = text.indexOf('\n', split.index + split[0].length - 1);
    const end = newline < 0 ? text.length : newline;
    let pos = start;
    HIDDEN.lastIndex = start;
    for (let m = HIDDEN.exec(text); m !== null && m.index < end; m = HIDDEN.exec(text)) {
      keep(pos, m.index);
      pos = m.index + m[0].length;
      const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined || m[3] !== undefined ? parseInt(m[2] ?? m[3]!, 16) : null;
      if (code === null) continue;
      // A reference or escape stands for one character (an invalid one for U+FFFD, as in HTML).
      const char = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
      for (let k = 0; k < char.length; k++) {
        at.push(m.index);
        to.push(pos);
      }
      parts.push(char);
    }
    keep(Math.min(pos, end), end);
    parts.push('\n');
    at.push(end);
    to.push(end);
    SPLIT.lastIndex = Math.max(end + 1, pos);
    split = SPLIT.exec(text);
  }
  return { text: parts.join(''), at: Int32Array.from(at), to: Int32Array.from(to) };
}

/**
 * Findings of `find` on `text`, and those it makes only on the lines as a reader sees them,
 * moved back onto `text` (a token split by hidden characters is covered from its first
 * character to its last, with what hides inside).
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

/** True when `text` holds a token a reader sees whole but that is not whole as written. */
export function hasHidden(text: string): boolean {
  SPLIT.lastIndex = 0;
  return SPLIT.test(text);
}
