/**
 * User-given thread names: `session_index.jsonl` (Codex since v0.93) and `saved_sessions.json`
 * (a Codex development branch, §1.4b). Both are optional title sources.
 */
import { z } from 'zod';
import type { Diagnostic } from '../model/session.ts';
import { readFileCapped } from '../read/capped.ts';
import { RolloutReadError } from '../read/errors.ts';
import { readJsonLines, sideFileLabel } from './json-lines.ts';

/** One line of `session_index.jsonl`. Unknown keys are allowed (Codex may add some). */
export const SessionIndexEntry = z.object({
  id: z.string().min(1),
  thread_name: z.string(),
  updated_at: z.string().optional(),
});
export type SessionIndexEntry = z.infer<typeof SessionIndexEntry>;

/**
 * Thread id → name from `session_index.jsonl`. The last line for an id wins and an empty or
 * whitespace-only name clears it (Codex's single-thread lookup; its list lookup differs, §1.3).
 * Names are trimmed. Bad lines are reported with their line number; `path` null → empty map.
 */
export async function readThreadNames(path: string | null, diagnostics: Diagnostic[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (path === null) return names;
  for await (const { value } of readJsonLines(path, SessionIndexEntry, diagnostics, 'thread name record')) {
    const name = value.thread_name.trim();
    // Delete first so a re-set name moves to the end: the map's order is the order of last change.
    names.delete(value.id);
    if (name !== '') names.set(value.id, name);
  }
  return names;
}

/** One entry of `saved_sessions.json` (camelCase, as that branch wrote it). */
export const SavedSessionEntry = z.object({
  name: z.string(),
  conversationId: z.string().min(1),
  rolloutPath: z.string().optional(),
  savedAt: z.string().optional(),
});
export type SavedSessionEntry = z.infer<typeof SavedSessionEntry>;

/** `saved_sessions.json`: `{ "entries": { "<name>": entry } }`. */
export const SavedSessions = z.object({ entries: z.record(z.string(), z.unknown()) });

/** A saved-names file larger than this is not what the branch wrote; refuse to load it whole. */
const SAVED_SESSIONS_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Conversation (thread) id → name from `saved_sessions.json`. Several names may point at one
 * thread; the most recently saved one wins (by `savedAt`, then by name for a stable result).
 * A bad file or entry is reported, never thrown; `path` null → empty map.
 */
export async function readSavedSessionNames(
  path: string | null,
  diagnostics: Diagnostic[] = [],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (path === null) return names;
  const label = sideFileLabel(path);
  const report = (code: string, message: string, severity: Diagnostic['severity'] = 'warning') =>
    diagnostics.push({ file: label, line: null, code, message, severity });

  let text: string;
  try {
    const doc = await readFileCapped(path, { maxBytes: SAVED_SESSIONS_MAX_BYTES });
    if (doc.truncated) {
      report('oversized-file', `Ignored ${label}: larger than ${SAVED_SESSIONS_MAX_BYTES} bytes, which no saved-names file should be.`);
      return names;
    }
    text = doc.text;
  } catch (err) {
    if (!(err instanceof RolloutReadError)) throw err;
    report('unreadable', err.message);
    return names;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    report('invalid-json', `Ignored ${label}: not valid JSON (${(err as Error).message}).`);
    return names;
  }
  const doc = SavedSessions.safeParse(json);
  if (!doc.success) {
    report('invalid-record', `Ignored ${label}: expected an object with an "entries" object.`);
    return names;
  }
  const best = new Map<string, SavedSessionEntry>();
  for (const [key, raw] of Object.entries(doc.data.entries)) {
    const entry = SavedSessionEntry.safeParse(raw);
    if (!entry.success) {
      report('invalid-record', `Skipped the entry "${key}" of ${label}: it has no string "name" and "conversationId".`);
      continue;
    }
    const name = entry.data.name.trim();
    if (name === '') continue;
    const current = best.get(entry.data.conversationId);
    const newer =
      !current ||
      (entry.data.savedAt ?? '') > (current.savedAt ?? '') ||
      ((entry.data.savedAt ?? '') === (current.savedAt ?? '') && name < current.name);
    if (newer) best.set(entry.data.conversationId, { ...entry.data, name });
  }
  for (const [id, entry] of best) names.set(id, entry.name);
  return names;
}
