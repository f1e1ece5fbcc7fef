import { describe, expect, it } from 'vitest';
import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { discoverRollouts } from '../../src/lib/home/discover.ts';
import { readLines, readFileCapped } from '../../src/lib/read/lines.ts';
import { readThreadNames } from '../../src/lib/home/thread-names.ts';
import { readPromptHistory } from '../../src/lib/home/history.ts';
import { readStateDb } from '../../src/lib/home/state-db.ts';
import type { Diagnostic } from '../../src/lib/model/session.ts';

import { CORPUS } from '../corpus.ts';

/** path → "mtime ctime size" for every entry under `root`, links not followed. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const st = lstatSync(p);
    out.set(p, `${st.mtimeMs} ${st.ctimeMs} ${st.size}`);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(root);
  return out;
}

describe('read-only guarantee on the corpus', () => {
  it('discovering and reading every version changes no file or folder (mtime, ctime, size, listing)', async () => {
    const before = snapshot(CORPUS);
    let lines = 0;
    for (const version of readdirSync(CORPUS).filter((n) => n.startsWith('codex-'))) {
      const d = await discoverRollouts(join(CORPUS, version));
      expect(d.kind).toBe('codex-home');
      expect(d.files.length).toBeGreaterThan(0);
      for (const f of d.files) {
        if (f.format === 'json') {
          const doc = await readFileCapped(f.path, { maxBytes: 64 * 1024 * 1024, compressed: f.compressed });
          expect(doc.truncated).toBe(false);
        } else {
          for await (const l of readLines(f.path, { compressed: f.compressed })) {
            lines++;
            expect(l.invalidUtf8).toBe(false);
          }
        }
      }
      const diagnostics: Diagnostic[] = [];
      await readThreadNames(d.sessionIndexPath, diagnostics);
      await readPromptHistory(d.historyPath, diagnostics);
      readStateDb(d.stateDbPath, diagnostics);
      expect(diagnostics).toEqual([]);
    }
    expect(lines).toBeGreaterThan(1000);
    expect(snapshot(CORPUS)).toEqual(before);
  });
});
