/**
 * Codex's SQLite thread cache (`state_5.sqlite`), read strictly read-only and only for extras
 * the rollouts lack (user-given names, the archive flag, which file is current after a revert).
 * It is never required: any problem means "no database", reported as a diagnostic.
 */
import { closeSync, constants, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { DatabaseSync } from 'node:sqlite';
import type { Diagnostic } from '../model/session.ts';

/** One row of `threads`, limited to the columns we use (each null when the column is absent). */
export const StateThread = z.object({
  id: z.string(),
  /** User-given name (paginated threads, since 2026-07-19). */
  name: z.string().nullable(),
  /** Legacy title: first user message, replaced by the user's name when renamed. */
  title: z.string().nullable(),
  archived: z.boolean().nullable(),
  /** Absolute path of the current rollout on the machine that wrote it. */
  rolloutPath: z.string().nullable(),
});
export type StateThread = z.infer<typeof StateThread>;

/** What we read from the database. */
export const StateDb = z.object({
  /** The database file. */
  path: z.string(),
  /** Thread id → row. Empty when the `threads` table is missing. */
  threads: z.map(z.string(), StateThread),
});
export type StateDb = z.infer<typeof StateDb>;

const WANTED = ['id', 'name', 'title', 'archived', 'rollout_path'] as const;

type SqliteModule = typeof import('node:sqlite');

/** node:sqlite, loaded only when needed: it is missing (or behind a flag) in older Nodes. */
function loadSqlite(): SqliteModule | null {
  try {
    return (process.getBuiltinModule?.('node:sqlite') as SqliteModule | undefined) ?? null;
  } catch {
    return null;
  }
}

/** True when the file's header says WAL mode (bytes 18 and 19 are 2), read without a trace. */
function isWalMode(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOATIME ?? 0));
  } catch {
    fd = openSync(file, 'r');
  }
  try {
    const header = Buffer.alloc(100);
    const n = readSync(fd, header, 0, 100, 0);
    return n >= 20 && header[18] === 2 && header[19] === 2;
  } finally {
    closeSync(fd);
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * How to open the file without writing anything. A read-only connection to a WAL database
 * creates `-wal` and `-shm` files when they are missing (measured with node:sqlite), so then
 * we open it as immutable: with no `-wal` there is nothing it could miss. When both exist (a
 * live Codex), we read through them as any reader does.
 */
function openTarget(file: string, diagnostics: Diagnostic[], label: string): string | URL {
  if (!isWalMode(file)) return file;
  const wal = existsSync(`${file}-wal`);
  const shm = existsSync(`${file}-shm`);
  if (wal && shm) return file;
  if (wal) {
    diagnostics.push({
      file: label,
      line: null,
      code: 'state-db-wal-ignored',
      message: `${label}-wal exists without ${label}-shm; its changes are ignored so that nothing is created next to the database. Copy both files together if you copied the database.`,
      severity: 'info',
    });
  }
  const url = pathToFileURL(file);
  url.searchParams.set('immutable', '1');
  return url;
}

/**
 * Read thread names, titles, archive flags and rollout paths from a Codex state database,
 * read-only and without creating files next to it. Returns null (with a diagnostic) when
 * `path` is null, node:sqlite is unavailable, or the file cannot be read as a database; a
 * missing `threads` table or columns give empty or null values instead.
 */
export function readStateDb(file: string | null, diagnostics: Diagnostic[]): StateDb | null {
  if (file === null) return null;
  const label = path.basename(file);
  const sqlite = loadSqlite();
  if (!sqlite) {
    diagnostics.push({
      file: label,
      line: null,
      code: 'sqlite-unavailable',
      message: `Did not read ${label}: this Node has no node:sqlite (Node 22.13 or later has it). Thread names still come from session_index.jsonl.`,
      severity: 'info',
    });
    return null;
  }
  let db: DatabaseSync | null = null;
  try {
    db = new sqlite.DatabaseSync(openTarget(file, diagnostics, label), { readOnly: true });
    const threads = new Map<string, StateThread>();
    const columns = new Set(
      (db.prepare('PRAGMA table_info(threads)').all() as { name: string }[]).map((c) => c.name),
    );
    if (!columns.has('id')) {
      diagnostics.push({
        file: label,
        line: null,
        code: 'state-db-no-threads',
        message: `${label} has no threads table (or no id column); it is not used.`,
        severity: 'info',
      });
      return { path: file, threads };
    }
    const present = WANTED.filter((c) => columns.has(c));
    // Column names come from our fixed list, never from the file, so quoting them is safe.
    const rows = db.prepare(`SELECT ${present.map((c) => `"${c}"`).join(', ')} FROM threads`).all();
    for (const row of rows as Record<string, unknown>[]) {
      const id = str(row.id);
      if (!id) continue;
      const archived = row.archived;
      threads.set(id, {
        id,
        name: str(row.name),
        title: str(row.title),
        archived: typeof archived === 'number' || typeof archived === 'bigint' ? Number(archived) !== 0 : null,
        rolloutPath: str(row.rollout_path),
      });
    }
    return { path: file, threads };
  } catch (err) {
    diagnostics.push({
      file: label,
      line: null,
      code: 'unreadable',
      message: `Did not read ${label}: ${(err as Error).message}. It is optional; names and archive flags come from the other files.`,
      severity: 'warning',
    });
    return null;
  } finally {
    try {
      db?.close();
    } catch {
      // Closing a connection that failed to open: nothing to release.
    }
  }
}
