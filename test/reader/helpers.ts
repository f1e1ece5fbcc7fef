import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RolloutFile } from '../../src/lib/home/discover.ts';
import { readRollout, type ReadContext, type ReadResult } from '../../src/lib/reader.ts';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
export { CORPUS } from '../corpus.ts';

/** A RolloutFile for one file, as discovery would describe it (for tests of single files). */
export async function fileFor(absPath: string, relPath = path.basename(absPath)): Promise<RolloutFile> {
  const s = await stat(absPath);
  const id = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i.exec(path.basename(absPath))?.[1] ?? null;
  return {
    path: absPath,
    relPath,
    archived: false,
    compressed: absPath.endsWith('.zst'),
    format: absPath.endsWith('.json') ? 'json' : 'jsonl',
    threadId: id,
    rolloutId: null,
    nameTime: null,
    size: s.size,
    mtimeMs: s.mtimeMs,
  };
}

/** Read a fixture under fixtures/rollouts/. */
export async function readFixture(name: string, context: ReadContext = {}): Promise<ReadResult> {
  return readRollout(await fileFor(path.join(FIXTURES, 'rollouts', name), name), context);
}
