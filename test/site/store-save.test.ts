/**
 * Astro saves its whole content store 500 ms after the last change to it. A load longer than
 * that used to pay for a save mid-load (~1.8 s at 20,000 sessions) besides the sync's final one;
 * holdStoreSave keeps the clock from running out until the loader is done. Checked against
 * Astro's own store (not exported, so imported by path): if Astro changes how it debounces, this
 * says so.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { holdStoreSave } from '../../src/integration/loader.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-store-save-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface AstroStore {
  metaStore(collection?: string): { set(key: string, value: string): void; get(key: string): string | undefined };
  set(collection: string, key: string, value: unknown): void;
  waitUntilSaveComplete(): Promise<void>;
}

async function astroStore(file: string): Promise<AstroStore> {
  const url = pathToFileURL(path.join(root, 'node_modules/astro/dist/content/mutable-data-store.js')).href;
  const { MutableDataStore } = (await import(url)) as { MutableDataStore: { fromFile(file: URL): Promise<AstroStore> } };
  return MutableDataStore.fromFile(pathToFileURL(file));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('holding Astro\'s store save while loading', () => {
  it('a load longer than the debounce, without the hold, saves mid-load (what the hold is for)', async () => {
    const file = path.join(dir, 'unheld.json');
    const store = await astroStore(file);
    store.metaStore().set('astro-version', 'x');
    await sleep(900);
    expect(existsSync(file)).toBe(true);
  });

  it('with the hold, nothing is saved until it is released, then the final save writes everything', async () => {
    const file = path.join(dir, 'held.json');
    const store = await astroStore(file);
    store.metaStore().set('astro-version', 'x');
    const release = holdStoreSave(store.metaStore('sessions'));
    try {
      for (let i = 0; i < 6; i++) {
        store.set('sessions', `s${i}`, { id: `s${i}`, data: {} });
        await sleep(200);
      }
      await sleep(400);
      expect(existsSync(file)).toBe(false);
    } finally {
      release();
    }
    await store.waitUntilSaveComplete();
    expect(existsSync(file)).toBe(true);
    const reopened = await astroStore(file);
    expect(reopened.metaStore().get('astro-version')).toBe('x');
    expect(reopened.metaStore('sessions').get('loader')).toBe('codex-archive');
  });
});
