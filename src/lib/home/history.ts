/**
 * `history.jsonl`: every prompt the user submitted in the interactive UI, across sessions.
 * Redundant with the rollouts (and may hold pasted secrets); read only to cross-check.
 */
import { z } from 'zod';
import type { Diagnostic } from '../model/session.ts';
import { readJsonLines } from './json-lines.ts';

/** One line of `history.jsonl`: `ts` is Unix seconds. */
export const PromptHistoryLine = z.object({
  session_id: z.string().min(1),
  ts: z.number(),
  text: z.string(),
});

/** One remembered prompt. */
export const PromptHistoryEntry = z.object({
  /** Unix seconds, as Codex wrote it. */
  ts: z.number(),
  text: z.string(),
});
export type PromptHistoryEntry = z.infer<typeof PromptHistoryEntry>;

/**
 * Session (thread) id → its prompts in file order. Bad lines are reported with their line
 * number; an unreadable file is reported, never thrown. `path` null → empty map.
 */
export async function readPromptHistory(
  path: string | null,
  diagnostics: Diagnostic[] = [],
): Promise<Map<string, PromptHistoryEntry[]>> {
  const bySession = new Map<string, PromptHistoryEntry[]>();
  if (path === null) return bySession;
  for await (const { value } of readJsonLines(path, PromptHistoryLine, diagnostics, 'prompt history record')) {
    const list = bySession.get(value.session_id) ?? [];
    list.push({ ts: value.ts, text: value.text });
    bySession.set(value.session_id, list);
  }
  return bySession;
}
