/**
 * What part of a long tool output a published page carries.
 *
 * Tool output is most of an archive's text (at 20,000 sessions ~1.5 GB, more than GitHub Pages
 * hosts), and most of it is the middle of long logs. A page keeps each output's head and tail and
 * leaves the middle out, BEFORE redaction and rendering, so the text we do not publish is never
 * scanned, highlighted or indexed either. Where text was left out, a gap marker stands in the
 * output; `gapNoteHtml` turns it into a visible note, so nothing disappears silently.
 *
 * The marker is one line `\uFDD0<chars>:<lines>\uFDD0`, or `\uFDD0<chars>:<lines>:<note>\uFDD0` when
 * the part left out holds Codex's own note that it stored the output in part (CODEX_CUT). U+FDD0
 * is a Unicode noncharacter (never in interchange text); any that a session carries is replaced
 * with U+FFFD first, so a session cannot forge a note.
 */
import type { Item, Session } from '../model/session.ts';
import { escapeHtml } from './escape.ts';
import { plural } from './format.ts';

/**
 * Characters of each long tool output a page publishes by default (`outputChars`). With 4,000,
 * the 20,000-session bench site was 1,069 MB, over GitHub Pages' 1 GB; with 2,500 its pages are
 * ~4.5 KB smaller each (measured at 1,000 sessions: 62.8 -> 58.3 MB). 2,500 characters still
 * show a long log's first and last ~15 lines, where commands print what they are doing and how
 * they ended.
 */
export const DEFAULT_OUTPUT_CHARS = 2500;

const MARK = '\uFDD0';
const MARK_RE = /\uFDD0/g;
/** A gap marker as it appears in text (and, unchanged, in escaped HTML: no character to escape). */
export const GAP_RE = /\uFDD0(\d+):(\d+)(?::([^\uFDD0\n<>&]{1,100}))?\uFDD0/g;

/**
 * The notes Codex writes where it stored only part of an output (rollout-format.md, "outputs are
 * truncated by Codex before they are stored", and the corpus's longout sessions). When one falls
 * in the part a page leaves out, the page's note quotes it: the reader sees line 11 followed by
 * line 2010, and the rollout file does not hold the lines between either.
 */
const CODEX_CUT = /\[\.\.\. omitted \d{1,12} of \d{1,12} lines \.\.\.\]|\.\.\. command output truncated for persistence \.\.\.|…\d{1,12} tokens truncated…|Warning: truncated output \(original token count: \d{1,12}\)/;

/** What was left out of one output. */
export interface OutputGap {
  chars: number;
  lines: number;
  /** Codex's own note that it stored the output in part, when it is in what was left out. */
  codexNote?: string;
}

/** The marker line standing for `gap` inside an output. */
export function gapMarker(gap: OutputGap): string {
  return `${MARK}${gap.chars}:${gap.lines}${gap.codexNote ? `:${gap.codexNote}` : ''}${MARK}`;
}

/** Codex's note in `text[from, to)`, if any (the cheap `includes` first: middles can be megabytes). */
function codexNoteIn(text: string, from: number, to: number): string | undefined {
  const middle = text.slice(from, to);
  if (!middle.includes('omitted') && !middle.includes('truncated')) return undefined;
  return CODEX_CUT.exec(middle)?.[0];
}

function countNewlines(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Moves an index off the second half of a surrogate pair so no character is split. */
function safeIndex(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/*
 * A line too long to keep whole is cut between words where it can be: a cut through a token
 * would publish a piece of it that no rule recognises (the piece after the cut has lost its
 * prefix), which the hostile-home review found in a tail.
 */
const SPACE = /\s/;

/** Just after the last whitespace in `text[from, cut)`, or `cut` when there is none. */
function wordEnd(text: string, from: number, cut: number): number {
  if (cut < text.length && SPACE.test(text[cut]!)) return cut;
  for (let i = cut - 1; i >= from; i--) if (SPACE.test(text[i]!)) return i + 1;
  return cut;
}

/** Just after the first whitespace in `text[cut, to)`, or `cut` when there is none. */
function wordStart(text: string, cut: number, to: number): number {
  if (cut > 0 && SPACE.test(text[cut - 1]!)) return cut;
  for (let i = cut; i < to; i++) if (SPACE.test(text[i]!)) return i + 1;
  return cut;
}

/**
 * Keeps about `limit` characters of `text`: the head up to a line end within the first half,
 * the tail from a line start within the last half (cut between words, or by characters, when a
 * line is longer than that), and a gap marker between them. Text within the limit comes back
 * unchanged.
 */
export function trimOutput(text: string, limit: number): { text: string; gap: OutputGap | null } {
  const clean = text.includes(MARK) ? text.replace(MARK_RE, '\uFFFD') : text;
  if (clean.length <= limit) return { text: clean, gap: null };
  const half = Math.floor(limit / 2);
  let headEnd = clean.lastIndexOf('\n', half - 1) + 1;
  if (headEnd < half / 2) headEnd = wordEnd(clean, Math.ceil(half / 2), safeIndex(clean, half));
  let tailStart = clean.indexOf('\n', clean.length - half);
  const byChars = tailStart === -1 || tailStart >= clean.length - 1 || clean.length - tailStart - 1 < half / 2;
  tailStart = byChars ? wordStart(clean, safeIndex(clean, clean.length - half), clean.length - Math.ceil(half / 2)) : tailStart + 1;
  const codexNote = codexNoteIn(clean, headEnd, tailStart);
  const gap: OutputGap = { chars: tailStart - headEnd, lines: countNewlines(clean, headEnd, tailStart), ...(codexNote ? { codexNote } : {}) };
  const head = clean.slice(0, headEnd);
  const joint = head === '' || head.endsWith('\n') ? '' : '\n';
  const tail = clean.slice(tailStart);
  // A copy, so the multi-megabyte original is not kept alive behind the slices.
  return { text: Buffer.from(`${head}${joint}${gapMarker(gap)}\n${tail}`, 'utf8').toString('utf8'), gap };
}

/** The output-bearing field of an item, for the kinds whose output pages fold. */
const OUTPUT_FIELD: Partial<Record<Item['kind'], 'output' | 'result'>> = {
  shell: 'output',
  subagent: 'output',
  tool_call: 'output',
  mcp: 'result',
};

/**
 * A copy of `session` whose tool outputs are cut to `limit` characters each (`Infinity`: only
 * forged markers are neutralised). Returns how many outputs were cut and how many characters
 * were left out. Items without a long output are shared with the input, not copied.
 */
export function trimSessionOutputs(session: Session, limit: number): { session: Session; trimmed: number; omittedChars: number } {
  let trimmed = 0;
  let omittedChars = 0;
  const turns = session.turns.map((turn) => {
    let changed = false;
    const items = turn.items.map((item) => {
      const field = OUTPUT_FIELD[item.kind];
      const value = field ? (item as Record<string, unknown>)[field] : null;
      if (typeof value !== 'string' || (value.length <= limit && !value.includes(MARK))) return item;
      const cut = trimOutput(value, limit);
      if (cut.gap) {
        trimmed++;
        omittedChars += cut.gap.chars;
      }
      changed = true;
      return { ...item, [field!]: cut.text } as Item;
    });
    return changed ? { ...turn, items } : turn;
  });
  return { session: { ...session, turns }, trimmed, omittedChars };
}

/**
 * Replaces gap markers in rendered output HTML with a visible note (kept out of the search
 * index). `line` is the rollout line of the item, where its record begins.
 */
export function gapNoteHtml(html: string, line: number | null): string {
  if (!html.includes(MARK)) return html;
  return html.replace(GAP_RE, (_, chars: string, lines: string, codexNote: string | undefined) => {
    // What we left out is in the file as Codex wrote it. The line is the item's first record in
    // the file (its call; the output is in a record after it), not a line of the output.
    const where = line ? `they are in the rollout file, in this item's records from its line ${line}` : 'they are in the rollout file';
    const size = `${plural(Number(chars), 'character')}${Number(lines) > 0 ? `, ${plural(Number(lines), 'line')}` : ''}`;
    // Codex's own cut was among them: the file does not hold the whole output either.
    const codex = codexNote ? `. Among them, Codex's note that it stored this output in part: “${escapeHtml(codexNote)}”` : '';
    return `<span class="output-gap" data-pagefind-ignore="all">[… ${size} not published here; ${where}${codex} …]</span>`;
  });
}
