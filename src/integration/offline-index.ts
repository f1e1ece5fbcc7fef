/**
 * The offline search files. Pagefind cannot run from `file://` (Chromium blocks its module import
 * and fetches), so every build also writes `_assets/search-index.js` and its parts
 * (`_assets/search-index/*.js`): classic scripts that assign globals, loaded with `<script src>`
 * only when the site is opened from disk.
 *
 * Per session it holds the link, title, date, project, filter values and a text digest: the
 * session's DISTINCT normalised words in order of importance (what the user and the assistant
 * said, then commands, then tool output), capped at OFFLINE_TEXT_CAP characters. Distinct words
 * reach much deeper into a session than a prefix of its text would, and the file stays bounded:
 * at most ~OFFLINE_TEXT_CAP + 1 KB per session.
 */
import { createHash } from 'node:crypto';
import type { Session } from '../lib/model/session.ts';
import { ESCAPE_SEQUENCES } from '../lib/redact/hidden.ts';
import { showControls } from '../lib/render/escape.ts';
import type { OfflineEntry } from './state.ts';
import { shardOrder } from './utils/shards.ts';

/** Characters of word digest kept per session (documented in README.md, "Offline use"). */
export const OFFLINE_TEXT_CAP = 8000;

/** Name of the global the offline index assigns (read by src/scripts/search.js). */
export const OFFLINE_GLOBAL = 'codexArchiveSearchIndex';

/** Site-relative path of the offline index file. */
export const OFFLINE_INDEX_PATH = '_assets/search-index.js';

/**
 * Lower-cases, strips accents, and splits into words of 2–40 letters/digits (`_` and `-` split
 * too). Terminal escape sequences go first: the page shows `\x1b[32mPASSED` as a green "PASSED",
 * and the digest would otherwise hold "32mpassed", which no search for "passed" finds offline.
 */
export function words(text: string): string[] {
  return (
    text
      .replace(ESCAPE_SEQUENCES, ' ')
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]{2,40}/gu) ?? []
  );
}

/** Texts of a session grouped by importance: earlier groups fill the digest first. */
function textsByImportance(session: Session): string[][] {
  const said: string[] = [session.title, session.threadName ?? '', session.cwd ?? ''];
  const commands: string[] = [];
  const outputs: string[] = [];
  for (const turn of session.turns) {
    // A fork's copied turns are its source's words: they make the source findable, not the fork
    // (the page folds them away and keeps them out of Pagefind's copy).
    if (turn.inherited) continue;
    for (const item of turn.items) {
      switch (item.kind) {
        case 'user_message':
        case 'assistant_message':
        case 'agent_message':
          said.push(item.text);
          break;
        case 'reasoning':
          said.push(...item.summary);
          break;
        case 'plan':
          said.push(item.explanation ?? '', item.text ?? '', ...item.steps.map((s) => s.step));
          break;
        case 'shell':
          commands.push(item.command);
          outputs.push(item.output ?? '');
          break;
        case 'patch':
          commands.push(...item.files.map((f) => f.path));
          outputs.push(...item.files.map((f) => f.diff));
          break;
        case 'web_search':
          commands.push(item.query ?? '', item.url ?? '');
          break;
        case 'mcp':
          commands.push(item.tool, item.arguments);
          outputs.push(item.result ?? '');
          break;
        case 'tool_call':
          commands.push(item.name, item.arguments);
          outputs.push(item.output ?? '');
          break;
        case 'subagent':
          commands.push(item.prompt ?? '');
          outputs.push(item.output ?? '');
          break;
        case 'compaction':
          said.push(item.summary ?? '');
          break;
        case 'error':
          said.push(item.message);
          break;
        case 'notice':
          said.push(item.label, item.text);
          break;
        case 'context':
        case 'unknown':
        case 'view_image':
        case 'aborted':
        case 'rollback':
          break;
      }
    }
  }
  return [said, commands, outputs];
}

/** The word digest of a session: distinct words, most important first, at most `cap` characters. */
export function sessionDigest(session: Session, cap = OFFLINE_TEXT_CAP): string {
  const seen = new Set<string>();
  // Joined once at the end: `out += ' ' + word` would leave a rope of two V8 cons strings per
  // word (~24 KB per session, ~35 bytes a word), which the build keeps in its offline entry
  // until the offline index is written (docs/performance.md, "Live heap while rendering").
  const kept: string[] = [];
  let length = 0;
  for (const group of textsByImportance(session)) {
    for (const text of group) {
      for (const word of words(text)) {
        if (seen.has(word)) continue;
        if (length + word.length + 1 > cap) return kept.join(' ');
        seen.add(word);
        length += (kept.length ? 1 : 0) + word.length;
        kept.push(word);
      }
    }
  }
  return kept.join(' ');
}

/** Where the offline index's parts go (site-relative), one per search shard. */
export const OFFLINE_PARTS_DIR = '_assets/search-index';

/** Name of the global each part adds itself to, by its file name (read by src/scripts/search.js). */
export const OFFLINE_PARTS_GLOBAL = 'codexArchiveSearchParts';

/** One part of the offline index: its file name (in OFFLINE_PARTS_DIR) and its text, in pieces for writeParts. */
export interface OfflinePart {
  name: string;
  pieces: string[];
}

/** Newest first: by date, then path (an undated entry, date '', comes last). */
const newestFirst = (a: OfflineEntry, b: OfflineEntry) => b.date.localeCompare(a.date) || a.path.localeCompare(b.path);

/** One entry as the browser gets it. */
function entryJson(e: OfflineEntry): string {
  // Titles and projects reach the results list as DOM text: mark control and bidi characters
  // (`⟨U+202E⟩`), as the pages do, so a thread name cannot reorder the results around it.
  return JSON.stringify({ ...e, title: showControls(e.title), project: showControls(e.project) });
}

/**
 * The parts of the offline index, split like the search index (`shardOf`, utils/shards.ts): a
 * rebuild after one session changed writes one new part and the same bytes for every other,
 * which the verifier then knows by their hash instead of scanning ~40 MB again (20,000 sessions).
 * A part is named after its shard and a hash of its entries, so a browser never pairs a new list
 * with an old part. Parts come newest shard first and hold their entries newest first: read in
 * that order, the entries are in the order one sorted list would give. One part's text at a time
 * (the whole index as one string was one of the largest allocations of a 20,000-session build).
 */
export function* offlineIndexParts(entries: Iterable<OfflineEntry>, shardOf: (e: OfflineEntry) => string): Generator<OfflinePart> {
  const byShard = new Map<string, OfflineEntry[]>();
  for (const e of entries) {
    const shard = shardOf(e);
    const list = byShard.get(shard);
    if (list) list.push(e);
    else byShard.set(shard, [e]);
  }
  for (const shard of [...byShard.keys()].sort(shardOrder)) {
    const json = byShard.get(shard)!.sort(newestFirst).map(entryJson);
    const hash = createHash('sha256');
    for (const j of json) hash.update(j).update('\n');
    const name = `${shard}.${hash.digest('hex').slice(0, 16)}.js`;
    const pieces = [
      `/* codex-archive offline search index, part ${shard}: generated, do not edit. */\n`,
      `self.${OFFLINE_PARTS_GLOBAL} = self.${OFFLINE_PARTS_GLOBAL} || {};\n`,
      `self.${OFFLINE_PARTS_GLOBAL}[${JSON.stringify(name)}] = {"entries":[`,
    ];
    json.forEach((j, i) => pieces.push(i ? `,${j}` : j));
    pieces.push(']};\n');
    yield { name, pieces };
  }
}

/** The text of OFFLINE_INDEX_PATH: the list of parts, in the order they are read. */
export function offlineIndexList(partNames: readonly string[]): string {
  const list = { version: 2, cap: OFFLINE_TEXT_CAP, parts: partNames };
  return `/* codex-archive offline search index: generated, do not edit. */\nself.${OFFLINE_GLOBAL} = ${JSON.stringify(list)};\n`;
}
