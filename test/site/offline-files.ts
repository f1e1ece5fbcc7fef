/**
 * Reads a built site's offline search index the way the browser does (src/scripts/search.js):
 * runs `_assets/search-index.js`, then each part it lists, in order, in one global scope.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { OFFLINE_GLOBAL, OFFLINE_INDEX_PATH, OFFLINE_PARTS_DIR, OFFLINE_PARTS_GLOBAL } from '../../src/integration/offline-index.ts';
import type { OfflineEntry } from '../../src/integration/state.ts';

export interface OfflineIndex {
  version: number;
  cap: number;
  /** Part file names, in the order they are read. */
  parts: string[];
  /** Every entry, in list order. */
  entries: OfflineEntry[];
  /** Site-relative paths of the list and its parts. */
  files: string[];
}

export function readOfflineIndex(dist: string): OfflineIndex {
  const context: Record<string, unknown> = {};
  context.self = context;
  vm.runInNewContext(readFileSync(path.join(dist, OFFLINE_INDEX_PATH), 'utf8'), context);
  const list = context[OFFLINE_GLOBAL] as { version: number; cap: number; parts: string[] };
  const files = [OFFLINE_INDEX_PATH];
  const entries: OfflineEntry[] = [];
  for (const name of list.parts) {
    const rel = `${OFFLINE_PARTS_DIR}/${name}`;
    files.push(rel);
    vm.runInNewContext(readFileSync(path.join(dist, rel), 'utf8'), context);
    const part = (context[OFFLINE_PARTS_GLOBAL] as Record<string, { entries: OfflineEntry[] }>)[name];
    if (!part) throw new Error(`${rel} did not add itself as ${name}`);
    entries.push(...part.entries);
  }
  return { ...list, entries, files };
}
