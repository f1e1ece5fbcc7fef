/**
 * The offline search file. Pagefind cannot run from `file://` (Chromium blocks its module import
 * and fetches), so every build also writes `_assets/search-index.js`: a classic script that
 * assigns one global, loaded with `<script src>` only when the site is opened from disk.
 *
 * Per session it holds the link, title, date, project, filter values and a text digest: the
 * session's DISTINCT normalised words in order of importance (what the user and the assistant
 * said, then commands, then tool output), capped at OFFLINE_TEXT_CAP characters. Distinct words
 * reach much deeper into a session than a prefix of its text would, and the file stays bounded:
 * at most ~OFFLINE_TEXT_CAP + 1 KB per session.
 */
import type { Session } from '../lib/model/session.ts';
import { showControls } from '../lib/render/escape.ts';
import type { OfflineEntry } from './state.ts';

/** Characters of word digest kept per session (documented in README.md, "Offline use"). */
export const OFFLINE_TEXT_CAP = 8000;

/** Name of the global the offline index assigns (read by src/scripts/search.js). */
export const OFFLINE_GLOBAL = 'codexArchiveSearchIndex';

/** Site-relative path of the offline index file. */
export const OFFLINE_INDEX_PATH = '_assets/search-index.js';

/** Lower-cases, strips accents, and splits into words of 2–40 letters/digits (`_` and `-` split too). */
export function words(text: string): string[] {
  return (
    text
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

/** The file's text: one assignment, entries sorted newest first (stable: date, then path). */
export function renderOfflineIndex(entries: Iterable<OfflineEntry>): string {
  return [...offlineIndexParts(entries)].join('');
}

/**
 * The file's text in pieces, one per entry, for writeParts: the whole file as one string was one
 * of the largest allocations of a 20,000-session build. Joined, the pieces are exactly what
 * JSON.stringify gives for the whole payload.
 */
export function* offlineIndexParts(entries: Iterable<OfflineEntry>): Generator<string> {
  const list = [...entries].sort((a, b) => b.date.localeCompare(a.date) || a.path.localeCompare(b.path));
  yield `/* codex-archive offline search index: generated, do not edit. */\nself.${OFFLINE_GLOBAL} = `;
  yield `{"version":1,"cap":${JSON.stringify(OFFLINE_TEXT_CAP)},"entries":[`;
  let first = true;
  for (const e of list) {
    // Titles and projects reach the results list as DOM text: mark control and bidi characters
    // (`⟨U+202E⟩`), as the pages do, so a thread name cannot reorder the results around it.
    yield (first ? '' : ',') + JSON.stringify({ ...e, title: showControls(e.title), project: showControls(e.project) });
    first = false;
  }
  yield ']};\n';
}
