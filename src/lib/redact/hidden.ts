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
import { TOKEN_CHAR, type Finding } from './findings.ts';

// Escape sequences as src/lib/render/ansi.ts drops or renders them: CSI (colours included),
// OSC, the two-character forms, the one-byte CSI. Every repetition is bounded, and the text is
// read a line at a time: hostile text (thousands of ESC ] in a row, a CSI with no final byte)
// cannot make a match slow or run over a line.
const ESCAPE = String.raw`\u001B\[[0-?]{0,32}[ -/]{0,8}[@-~]|\u001B\][^\u0007\u001B\n]{0,2048}(?:\u0007|\u001B\\)?|\u001B(?:[@-Z\\^_]|[ -/]{1,8}[0-~])|\u009B[0-?]{0,32}[ -/]{0,8}[@-~]`;
/** Every escape sequence, for `replace` (none spans a line end, so whole texts are safe too). */
export const ESCAPE_SEQUENCES = new RegExp(ESCAPE, 'g');
/**
 * Soft hyphen, Mongolian vowel separator, zero-width and directional marks, word joiner and
 * invisible operators, byte order mark (a character class, as pattern source).
 */
export const INVISIBLE = String.raw`[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]`;
/** Characters tokens are made of. */
const T = TOKEN_CHAR.source;
/**
 * Markdown that renders as nothing between two token characters: emphasis, strike, a code
 * span's edge. (`_` emphasis does not open inside a word, and `_` is a token character.)
 */
const MARKUP = String.raw`\*{1,3}|~~|\``;
const REFERENCE = String.raw`&#(?:(\d{1,7})|[xX]([0-9a-fA-F]{1,6}));|\\u([0-9a-fA-F]{4})`;

/**
 * What splits a token: escape sequences or invisible characters with token characters on both
 * sides, escape sequences glued to the start of a long token-like run (`\x1b[31mghp_…` reads
 * as `mghp_…`, with no word boundary for the rules to start at), markdown markup between token
 * characters (`npm_abc**def**`, ``ghp_ab`cd`…``), a backslash escaping a token character (how
 * markdown escapes `_` or `-` inside an identifier), numeric character references, JSON's
 * `\uXXXX` (JSON inside a JSON string: tool arguments and results). Colour codes around whole
 * words, most of a coloured log, split nothing.
 */
const SPLIT = new RegExp(String.raw`${T}(?:${ESCAPE}|${INVISIBLE}){1,8}${T}|(?:${ESCAPE}){1,8}${T}{16}|${T}(?:${MARKUP})${T}|\\[-_*~.+/=]|${REFERENCE}`);

/** What a line that splits a token loses when read as seen; references and `\u` escapes become their character. */
const HIDDEN = new RegExp(String.raw`${ESCAPE}|${INVISIBLE}+|(?<=${T})(?:${MARKUP})(?=${T})|\\(?=[-_*~.+/=])|${REFERENCE}`, 'g');

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
  if (!SPLIT.test(text)) return null;
  const at: number[] = [];
  const to: number[] = [];
  const parts: string[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    if (SPLIT.test(line)) seenLine(line, start, parts, at, to);
    start = end + 1;
  }
  return { text: parts.join(''), at: Int32Array.from(at), to: Int32Array.from(to) };
}

/** Appends `line` (at `offset` in the text) as seen, and a line end, with where each character came from. */
function seenLine(line: string, offset: number, parts: string[], at: number[], to: number[]): void {
  let pos = 0;
  const keep = (end: number) => {
    for (let i = pos; i < end; i++) {
      at.push(offset + i);
      to.push(offset + i + 1);
    }
    parts.push(line.slice(pos, end));
  };
  HIDDEN.lastIndex = 0;
  for (let m = HIDDEN.exec(line); m !== null; m = HIDDEN.exec(line)) {
    keep(m.index);
    pos = m.index + m[0].length;
    const code = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined || m[3] !== undefined ? parseInt(m[2] ?? m[3]!, 16) : null;
    if (code === null) continue;
    // A reference or escape stands for one character (an invalid one for U+FFFD, as in HTML).
    const char = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    for (let k = 0; k < char.length; k++) {
      at.push(offset + m.index);
      to.push(offset + pos);
    }
    parts.push(char);
  }
  keep(line.length);
  parts.push('\n');
  at.push(offset + line.length);
  to.push(offset + line.length);
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
  return SPLIT.test(text);
}
