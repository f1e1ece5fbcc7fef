/**
 * The way exclusion is really used: a site was built, then the user excludes a session (by id)
 * and another (by cwd pattern) and rebuilds into the same folder with the same cache. Nothing
 * the incremental build kept from the first build may bring them back: no id, title or word of
 * theirs in any file (Pagefind's shards decompressed) or file name.
 */
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runBuildScript } from '../site/build-once.ts';
import { textOf, walk } from './hostile-build.ts';
import { writeHostileHome, type HostileHome } from './hostile-home.ts';

let dir: string;
let home: HostileHome;
const configs: string[] = [];

async function config(name: string, exclude: string): Promise<string> {
  const file = path.join(projectRoot, 'node_modules', '.codex-archive-test', `${name}-${process.pid}.config.mjs`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `import { defineConfig } from 'astro/config';
import codexArchive from ${JSON.stringify(path.join(projectRoot, 'src/integration/index.ts'))};
export default defineConfig({ integrations: [codexArchive({ sources: [${JSON.stringify(home.home)}]${exclude} })], build: { format: 'directory', inlineStylesheets: 'never' } });
`,
  );
  configs.push(file);
  return file;
}

function traces(dist: string): string[] {
  const needles = [...home.excluded.ids, ...home.excluded.titles, ...home.excluded.words, 'vandelay'].map((n) => n.toLowerCase());
  const found: string[] = [];
  for (const f of walk(dist)) {
    const rel = path.relative(dist, f);
    for (const n of needles) if (rel.toLowerCase().includes(n)) found.push(`${n} in the name ${rel}`);
    if (!lstatSync(f).isFile()) continue;
    const text = textOf(f).toLowerCase();
    for (const n of needles) if (text.includes(n)) found.push(`${n} in ${rel}`);
  }
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-exclude-rebuild-'));
  home = await writeHostileHome(dir);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const c of configs) await rm(c, { force: true });
});

describe('excluding sessions after a build', () => {
  it('removes every trace of them on the next (incremental) build', async () => {
    const dist = path.join(dir, 'dist');
    const args = (file: string) => ['--out', dist, '--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache'), '--config', file];
    await runBuildScript(args(await config('all', '')), path.join(dir, 'build1.log'), home.home);
    // The first build published them (else this test proves nothing).
    expect(traces(dist).length).toBeGreaterThan(5);
    const exclude = `, exclude: { ids: [${JSON.stringify(home.excluded.ids[0])}], cwd: [${JSON.stringify(home.excluded.cwdPattern)}] }`;
    await runBuildScript(args(await config('excluded', exclude)), path.join(dir, 'build2.log'), home.home);
    expect(traces(dist)).toEqual([]);
  }, 180_000);
});
