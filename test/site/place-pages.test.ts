/**
 * Linking the previous site's pages ahead (src/integration/place-pages.ts): only pages whose
 * published file still has the stamp the last build recorded, the same on a worker as in-thread.
 */
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStamp, placePages, placePagesInWorker, type PagePlacement } from '../../src/integration/place-pages.ts';
import { tempDirs } from '../redact/temp-dirs.ts';

const tempDir = tempDirs('place-pages');

/** A previous site with `n` session pages, and their placements as the last build stamped them. */
function previousSite(n: number): { from: string; pages: PagePlacement[] } {
  const from = tempDir();
  const pages: PagePlacement[] = [];
  for (let i = 0; i < n; i++) {
    const here = `s/${String(i).padStart(3, '0')}/`;
    mkdirSync(path.join(from, here), { recursive: true });
    const file = path.join(from, here, 'index.html');
    writeFileSync(file, `<p>page ${i}</p>\n`);
    pages.push({ id: `id-${i}`, here, stamp: fileStamp(lstatSync(file, { bigint: true })) });
  }
  return { from, pages };
}

describe('placing pages ahead', () => {
  it('links exactly the pages whose published file is the one stamped', async () => {
    const { from, pages } = previousSite(30);
    // Page 3 was edited since (new modification time and size); page 4 is gone.
    writeFileSync(path.join(from, pages[3]!.here, 'index.html'), '<p>edited</p>\n');
    const missing = { ...pages[4]!, here: 's/nowhere/' };
    const list = [...pages.slice(0, 4), missing, ...pages.slice(5)];
    const here = tempDir();
    const inThread = placePages(list, from, here);
    expect(inThread).toEqual(list.map((p) => p.id).filter((id) => id !== 'id-3' && id !== 'id-4'));
    // A link shares the published file: same inode.
    const target = path.join(here, pages[0]!.here, 'index.html');
    expect(lstatSync(target).ino).toBe(lstatSync(path.join(from, pages[0]!.here, 'index.html')).ino);
    expect(readFileSync(target, 'utf8')).toBe('<p>page 0</p>\n');

    const there = tempDir();
    expect(await placePagesInWorker(list, from, there)).toEqual(inThread);
    expect(lstatSync(path.join(there, pages[29]!.here, 'index.html')).ino).toBe(lstatSync(path.join(from, pages[29]!.here, 'index.html')).ino);
  });
});
