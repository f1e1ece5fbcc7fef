import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS } from '../corpus.ts';
import type { Diagnostic } from '../../src/lib/model/session.ts';
import { readStateDb, StateDb } from '../../src/lib/home/state-db.ts';

const CORPUS_DB = join(CORPUS, 'codex-0.169.0/state_5.sqlite');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-archive-statedb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readStateDb', () => {
  it('reads names, titles, archive flags and rollout paths from a copy of the corpus database', () => {
    const sub = mkdtempSync(join(dir, 'copy-'));
    const db = join(sub, 'state_5.sqlite');
    copyFileSync(CORPUS_DB, db);
    const before = statSync(db);
    const bytes = readFileSync(db);
    const diagnostics: Diagnostic[] = [];
    const state = readStateDb(db, diagnostics)!;
    expect(StateDb.parse(state)).toEqual(state);
    expect(diagnostics).toEqual([]);
    expect(state.threads.size).toBe(19);
    expect([...state.threads.values()].filter((t) => t.archived).map((t) => t.id)).toEqual([
      '01a2003c-44ad-7781-87ec-062006afcc09',
      '01a2003c-4701-78a0-b515-0deb8a56a4d1',
    ]);
    expect(state.threads.get('01a2003c-0dde-7222-9829-5a76d28ab95a')).toEqual({
      id: '01a2003c-0dde-7222-9829-5a76d28ab95a',
      name: 'Fixture chat (renamed)',
      title: '[scenario:chat] Just say hello.',
      archived: false,
      rolloutPath: '/home/user/.codex/sessions/2026/11/21/rollout-2026-11-21T22-31-05-01a2003c-0dde-7222-9829-5a76d28ab95a.jsonl',
    });
    // Nothing written: same bytes, same mtime, no -wal/-shm/-journal created.
    expect(readdirSync(sub)).toEqual(['state_5.sqlite']);
    expect(statSync(db).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('reads the corpus database in place without changing it', () => {
    const before = statSync(CORPUS_DB);
    const bytes = readFileSync(CORPUS_DB);
    const listing = readdirSync(join(CORPUS_DB, '..')).sort();
    expect(readStateDb(CORPUS_DB, [])?.threads.size).toBe(19);
    const after = statSync(CORPUS_DB);
    expect([after.mtimeMs, after.ctimeMs, after.size]).toEqual([before.mtimeMs, before.ctimeMs, before.size]);
    expect(readFileSync(CORPUS_DB).equals(bytes)).toBe(true);
    expect(readdirSync(join(CORPUS_DB, '..')).sort()).toEqual(listing);
  });

  it('tolerates the older 0.130.0 schema, which has no name column (the rename is in title)', () => {
    const sub = mkdtempSync(join(dir, 'v130-'));
    const db = join(sub, 'state_5.sqlite');
    copyFileSync(join(CORPUS, 'codex-0.130.0/state_5.sqlite'), db);
    const diagnostics: Diagnostic[] = [];
    const state = readStateDb(db, diagnostics)!;
    expect(diagnostics).toEqual([]);
    expect(state.threads.size).toBe(16);
    expect(state.threads.get('01a2003c-2ecb-77a1-8bc0-078ae6f44a90')).toMatchObject({ name: null, title: 'Fixture chat (renamed)', archived: false });
    expect(readdirSync(sub)).toEqual(['state_5.sqlite']);
  });

  it('creates no -wal or -shm next to a WAL-mode database (opened as immutable)', () => {
    const sub = mkdtempSync(join(dir, 'wal-'));
    const p = join(sub, 'state_5.sqlite');
    const w = new DatabaseSync(p);
    w.exec("PRAGMA journal_mode=WAL; CREATE TABLE threads(id TEXT, archived INTEGER); INSERT INTO threads VALUES ('t1', 1);");
    w.close(); // the last connection checkpoints and removes -wal/-shm
    expect(readdirSync(sub)).toEqual(['state_5.sqlite']);
    const mtime = statSync(p).mtimeMs;
    const diagnostics: Diagnostic[] = [];
    const state = readStateDb(p, diagnostics)!;
    expect(state.threads.get('t1')).toEqual({ id: 't1', name: null, title: null, archived: true, rolloutPath: null });
    expect(readdirSync(sub)).toEqual(['state_5.sqlite']);
    expect(statSync(p).mtimeMs).toBe(mtime);
  });

  it('tolerates a database without a threads table', () => {
    const p = join(dir, 'empty.sqlite');
    const w = new DatabaseSync(p);
    w.exec('CREATE TABLE other(x)');
    w.close();
    const diagnostics: Diagnostic[] = [];
    expect(readStateDb(p, diagnostics)?.threads.size).toBe(0);
    expect(diagnostics.map((d) => d.code)).toEqual(['state-db-no-threads']);
  });

  it('returns null with a warning for a file that is not a database, and null for no path', () => {
    const p = join(dir, 'state_5.sqlite');
    writeFileSync(p, 'not a database at all, but long enough to have a header of one hundred bytes........................');
    const diagnostics: Diagnostic[] = [];
    expect(readStateDb(p, diagnostics)).toBeNull();
    expect(diagnostics).toEqual([
      {
        file: 'state_5.sqlite',
        line: null,
        code: 'unreadable',
        message: 'Did not read state_5.sqlite: file is not a database. It is optional; names and archive flags come from the other files.',
        severity: 'warning',
      },
    ]);
    expect(readStateDb(null, diagnostics)).toBeNull();
    expect(diagnostics).toHaveLength(1);
  });
});
