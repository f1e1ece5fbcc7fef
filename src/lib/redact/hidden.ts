/**
 * What a reader does not see: terminal escape sequences and invisible format characters.
 *
 * A token with one of them inside shows whole on the page but matches no rule: `grep --color`
 * wraps the match in colour codes (`\x1b[01;31mghp_\x1b[m…`), and a soft hyphen or zero-width
 * space can sit in any pasted text. The pages drop escape sequences and print the invisible
 * characters as they are, so the detectors also read the text as it will look, without them,
 * and a finding there covers the whole token in the text as written.
 */
import type { Finding } from './findings.ts';

// Escape sequences as src/lib/render/ansi.ts drops or renders them (CSI incl. colours, OSC, the
// two-character forms, the one-byte CSI), then soft hyphen, Mongolian vowel separator,
// zero-width and directional marks, word joiner and invisible operators, byte order mark.
const HIDDEN =
  // eslint-disable-next-line no-control-regex
  /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B(?:[@-Z\\^_]|[ -/]+[0-~])|\u009B[0-?]*[ -/]*[@-~]|[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+/g;
// eslint-disable-next-line no-control-regex
const HAS_HIDDEN = /[\u001B\u009B\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

/** True when `text` holds something a reader would not see. */
export function hasHidden(text: string): boolean {
  return HAS_HIDDEN.test(text);
}

/** `text` without its hidden parts, and for each character left, its index in `text`. */
export interface Unhidden {
  text: string;
  at: Int32Array;
}

/** `text` as a reader sees it, or null when nothing in it is hidden. */
export function unhidden(text: string): Unhidden | null {
  if (!hasHidden(text)) return null;
  const at = new Int32Array(text.length);
  const parts: string[] = [];
  let length = 0;
  let pos = 0;
  const keep = (end: number) => {
    for (let i = pos; i < end; i++) at[length++] = i;
    parts.push(text.slice(pos, end));
  };
  HIDDEN.lastIndex = 0;
  for (let m = HIDDEN.exec(text); m !== null; m = HIDDEN.exec(text)) {
    keep(m.index);
    pos = m.index + m[0].length;
  }
  keep(text.length);
  return { text: parts.join(''), at: at.subarray(0, length) };
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
    found.push({ ...f, start: seen.at[f.start]!, end: seen.at[f.end - 1]! + 1 });
  }
  return found;
}
