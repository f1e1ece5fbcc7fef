/**
 * The whole authentic corpus (seven Codex releases, every format generation) built as one home
 * with the real build: every session gets its page, and nothing is unknown or damaged.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSlug } from '../../src/integration/utils/slug.ts';
import { readArchive } from '../../src/lib/reader.ts';
import { CORPUS } from '../corpus.ts';
import { runBuildScript } from './build-once.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-corpus-'));
const dist = path.join(dir, 'dist');
const report = path.join(dir, 'report.json');

beforeAll(async () => {
  await runBuildScript(['--out', dist, '--cache-dir', path.join(dir, 'cache'), '--report', report], path.join(dir, 'build.log'), CORPUS);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('building ../shared/corpus as one home', () => {
  it('gives a page for every session in it', async () => {
    const ids: string[] = [];
    for await (const { session } of readArchive(CORPUS)) ids.push(session.id);
    expect(ids.length).toBeGreaterThanOrEqual(64);
    const missing = ids.filter((id) => !existsSync(path.join(dist, 's', sessionSlug(id), 'index.html')));
    expect(missing).toEqual([]);
  });

  it('reports every session, with no unknown record and no damaged line', () => {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.sessions).toBeGreaterThanOrEqual(64);
    expect(r.unknownTotal).toBe(0);
    expect(r.skippedLines).toBe(0);
  });
});
