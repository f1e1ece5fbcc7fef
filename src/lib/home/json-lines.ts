/**
 * The shared loop of the Codex home's small JSONL side files (`session_index.jsonl`,
 * `history.jsonl`): parse each line, validate it, and report every line that is skipped.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { Diagnostic } from '../model/session.ts';
import { readLines } from '../read/lines.ts';
import { RolloutReadError } from '../read/errors.ts';

/** Side files live at the root of a Codex home, so their base name is their relative path. */
export function sideFileLabel(file: string): string {
  return path.basename(file);
}

/**
 * Yield `{ line, value }` for each line of `file` that parses as JSON and matches `schema`.
 * Blank lines are skipped silently (Codex writes none, and they carry nothing). Every other
 * skipped line, and a file that cannot be read, becomes a diagnostic; nothing is thrown.
 */
export async function* readJsonLines<T extends z.ZodType>(
  file: string,
  schema: T,
  diagnostics: Diagnostic[],
  what: string,
): AsyncGenerator<{ line: number; value: z.infer<T> }> {
  const label = sideFileLabel(file);
  try {
    for await (const raw of readLines(file)) {
      if (raw.text.trim() === '') continue;
      if (raw.oversized) {
        diagnostics.push({
          file: label,
          line: raw.line,
          code: 'oversized-line',
          message: `Skipped line ${raw.line} of ${label}: ${raw.byteLength} bytes is too long to be a ${what}.`,
          severity: 'warning',
        });
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(raw.text);
      } catch (err) {
        // A last line without newline is a write in progress or a killed writer (§10.1).
        const torn = !raw.terminated;
        diagnostics.push({
          file: label,
          line: raw.line,
          code: torn ? 'truncated-last-line' : 'invalid-json',
          message: torn
            ? `Skipped the last line (${raw.line}) of ${label}: it is incomplete (no newline, not valid JSON), probably still being written.`
            : `Skipped line ${raw.line} of ${label}: not valid JSON (${(err as Error).message}).`,
          severity: torn ? 'info' : 'warning',
        });
        continue;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        diagnostics.push({
          file: label,
          line: raw.line,
          code: 'invalid-record',
          message: `Skipped line ${raw.line} of ${label}: not a ${what} (${issue?.message ?? 'unexpected shape'}${where}).`,
          severity: 'warning',
        });
        continue;
      }
      yield { line: raw.line, value: parsed.data };
    }
  } catch (err) {
    if (!(err instanceof RolloutReadError)) throw err;
    diagnostics.push({
      file: label,
      line: null,
      code: 'unreadable',
      message: err.message,
      severity: 'warning',
    });
  }
}
