/**
 * IncrementalStore's bookkeeping of rendered pages (incremental.ts): a fresh page's sidecar holds
 * a plain list of the assets it wrote (no getter over the page's closure, which kept every page's
 * context alive all build long), and the sidecars collected for pages.json list them sorted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IncrementalStore, type PageSidecar } from '../../src/integration/incremental.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sidecar(store: IncrementalStore, id: string, assets: string[]): PageSidecar {
  const key = store.sessionKey(id, `base-${id}`, () => true);
  const facts = { generation: 2, archived: false, supported: true, incomplete: false, cliVersion: null, diagnostics: [], counts: {} } as unknown as PageSidecar['facts'];
  const offline = { path: `s/${id}/`, title: id, date: '', project: '', filters: {}, text: '' };
  return { base: `base-${id}`, key, offline, facts, redactions: {}, assets, lookups: {} };
}

describe('IncrementalStore', () => {
  it('gives a fresh key made of the base and a random part', () => {
    const store = new IncrementalStore(dir);
    const key = store.sessionKey('a', 'the-base', () => true);
    expect(key).toMatch(/^the-base:[0-9a-f-]{36}$/);
    expect(store.keys.get('a')).toEqual({ base: 'the-base', key });
  });

  it('sorts a fresh page\'s assets when collecting, and saves them sorted', async () => {
    const store = new IncrementalStore(dir);
    const assets = ['_assets/out/b.txt', '_assets/ctx/c.txt', '_assets/img/a.png'];
    store.fresh.set('s1', sidecar(store, 's1', assets));
    // Assets written after the sidecar was recorded (while the page rendered) are in it too.
    assets.push('_assets/ctx/a.txt');
    const current = store.current();
    expect(current.get('s1')!.assets).toEqual(['_assets/ctx/a.txt', '_assets/ctx/c.txt', '_assets/img/a.png', '_assets/out/b.txt']);
    await store.save(current);
    const saved = JSON.parse(readFileSync(path.join(dir, 'codex-archive', 'pages.json'), 'utf8'));
    expect(saved.pages.s1.assets).toEqual(['_assets/ctx/a.txt', '_assets/ctx/c.txt', '_assets/img/a.png', '_assets/out/b.txt']);
    // The next build reads them back as the previous record, key included.
    const next = new IncrementalStore(dir);
    expect(next.previous.get('s1')!.key).toBe(current.get('s1')!.key);
  });

  it('writes the sidecars piece by piece, exactly as one JSON text of them all would be', async () => {
    const store = new IncrementalStore(dir);
    const ids = ['s1', 'id with "quotes" and \\ slash', 'ünï-😀', '__proto__'];
    for (const id of ids) store.fresh.set(id, sidecar(store, id, [`_assets/ctx/${ids.indexOf(id)}.txt`]));
    const current = store.current();
    await store.save(current);
    const text = readFileSync(path.join(dir, 'codex-archive', 'pages.json'), 'utf8');
    const pages: Record<string, unknown> = {};
    for (const [id, s] of current) Object.defineProperty(pages, id, { value: s, enumerable: true });
    expect(text).toBe(JSON.stringify({ version: JSON.parse(text).version, pages }));
    expect([...new IncrementalStore(dir).previous.keys()].sort()).toEqual([...ids].sort());
  });
});
