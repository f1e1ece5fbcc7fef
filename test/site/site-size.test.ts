import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderBytes, PAGES_LIMIT_BYTES, sizeWarning } from '../../src/integration/utils/site-size.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-size-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('site size', () => {
  it('counts the bytes of every file, however deep', async () => {
    mkdirSync(path.join(dir, 's', 'a'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), 'x'.repeat(10));
    writeFileSync(path.join(dir, 's', 'a', 'index.html'), 'y'.repeat(32));
    expect(await folderBytes(dir)).toEqual({ bytes: 42, files: 2 });
  });

  it("warns over GitHub Pages' 1 GB and names the option that makes the site smaller", () => {
    expect(sizeWarning(PAGES_LIMIT_BYTES, 4000)).toBeNull();
    expect(sizeWarning(1_234_000_000, 4000)).toBe("The site is 1.23 GB: over GitHub Pages' 1 GB limit. To publish it there, lower `outputChars` (now 4000) or leave sessions out with `exclude`.");
    expect(sizeWarning(2_000_000_000, 'all')).toContain("remove `outputChars: 'all'`");
  });
});
