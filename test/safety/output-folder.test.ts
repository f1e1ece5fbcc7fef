/**
 * The build's output folder, through scripts/build.mjs itself (test/site/output-safety.test.ts
 * covers the rule as a function): it refuses a folder that is, contains or lies inside a source
 * (also a source named only in astro.config.mjs), the home folder, the project root and `/`,
 * before writing anything; and a build that fails after a good one (here: the verifier finds a
 * secret) leaves the previous site exactly as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/integration/options.ts';
import { checkOutputFolder } from '../../src/integration/utils/output-safety.ts';
import { githubFake } from '../redact/fake.ts';
import { projectRoot } from '../site/build-once.ts';
import { fingerprint, walk } from './hostile-build.ts';

let dir: string;
let source: string;
let fakeHome: string;
const configs: string[] = [];

/** Runs scripts/build.mjs; resolves with its exit code and output (never rejects). */
function build(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, CODEX_HOME: source, CODEX_ARCHIVE_SOURCES: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const common = () => ['--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache')];

/** An Astro config (under node_modules, so it resolves `astro`) with these integration options and extra code. */
async function config(name: string, options: string, extra = ''): Promise<string> {
  const file = path.join(projectRoot, 'node_modules', '.codex-archive-test', `${name}-${process.pid}.config.mjs`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `import { defineConfig } from 'astro/config';
import codexArchive from ${JSON.stringify(path.join(projectRoot, 'src/integration/index.ts'))};
${extra}
export default defineConfig({ integrations: [codexArchive(${options})${extra ? ', extra' : ''}], build: { format: 'directory', inlineStylesheets: 'never' } });
`,
  );
  configs.push(file);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-outdir-'));
  source = path.join(dir, 'codex-home');
  fakeHome = path.join(dir, 'me');
  const day = path.join(source, 'sessions', '2026', '03', '04');
  await mkdir(day, { recursive: true });
  await mkdir(fakeHome, { recursive: true });
  const id = '0199c001-0000-7000-8000-0000000aa001';
  const env = (type: string, payload: unknown) => JSON.stringify({ timestamp: '2026-03-04T09:00:00.000Z', type, payload });
  await writeFile(
    path.join(day, `rollout-2026-03-04T09-00-00-${id}.jsonl`),
    [env('session_meta', { id, timestamp: '2026-03-04T09:00:00.000Z', cwd: '/work/x' }), env('event_msg', { type: 'user_message', message: 'hello' })].join('\n') + '\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const c of configs) await rm(c, { force: true });
});

describe('the build refuses an output folder it would wreck, before writing anything', () => {
  // The last field: run with HOME pointing at a folder of ours (os.homedir() reads it).
  const cases: [string, () => string, boolean?][] = [
    ['the source itself', () => source],
    ['a folder inside the source', () => path.join(source, 'sessions', 'site')],
    ['a folder containing the source', () => dir],
    ['the home folder', () => fakeHome, true],
    ['a folder containing the home folder', () => path.dirname(fakeHome), true],
  ];
  it.each(cases)('%s', async (_name, out, ownHome) => {
    const env: Record<string, string> = ownHome ? { HOME: fakeHome } : {};
    const before = fingerprint(dir);
    const { code, output } = await build(['--out', out(), ...common()], env);
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/Refusing to build into/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('the project root and / (checked first with the same rule, so a miss cannot run a build there)', async () => {
    for (const out of [projectRoot, '/']) {
      expect(checkOutputFolder({ out, projectRoot, home: os.homedir(), sources: [source] })).not.toEqual([]);
      const { code, output } = await build(['--out', out, ...common()]);
      expect(code, output).not.toBe(0);
      expect(output).toMatch(/Refusing to build into/);
    }
    expect(readdirSync(path.dirname(projectRoot)).filter((n) => n.includes('.building-') || n.includes('.old-'))).toEqual([]);
  });

  it('a folder inside a source named only in astro.config.mjs', async () => {
    const file = await config('cfgsource', `{ sources: [${JSON.stringify(source)}] }`);
    const before = fingerprint(dir);
    // CODEX_HOME points elsewhere: only the config names the source.
    const { code, output } = await build(['--out', path.join(source, 'site'), '--config', file, ...common()], { CODEX_HOME: path.join(projectRoot, 'fixtures', 'demo-home') });
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/lies inside the source folder/);
    expect(fingerprint(dir)).toEqual(before);
  }, 120_000);
});

describe('plain `astro build`', () => {
  it('refuses an --outDir inside the source too (Astro would empty it)', async () => {
    const before = fingerprint(dir);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build', '--outDir', path.join(source, 'sessions')], {
        cwd: projectRoot,
        env: { ...process.env, CODEX_HOME: source, CODEX_ARCHIVE_SOURCES: '', CODEX_ARCHIVE_OUT: '', ASTRO_TELEMETRY_DISABLED: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (c) => resolve({ code: c, output: out }));
    });
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/lies inside the source folder/);
    expect(fingerprint(dir)).toEqual(before);
  }, 120_000);
});

describe('a failed build after a good one', () => {
  it('leaves the previous site exactly as it was, with no leftovers', async () => {
    const out = path.join(dir, 'site');
    const good = await build(['--out', out, ...common()]);
    expect(good.code, good.output).toBe(0);
    const before = fingerprint(out);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    // An integration that slips a secret into the output: the verifier must reject the build.
    const token = githubFake().value;
    const file = await config(
      'leaky',
      `{ sources: [${JSON.stringify(source)}] }`,
      `import { writeFileSync } from 'node:fs';
const extra = { name: 'leak', hooks: { 'astro:build:done': ({ dir }) => writeFileSync(new URL('leak.txt', dir), ${JSON.stringify(`token ${token}\n`)}) } };`,
    );
    const bad = await build(['--out', out, '--config', file, ...common()]);
    expect(bad.code, bad.output).not.toBe(0);
    expect(bad.output).toMatch(/verifier found problems/);
    expect(fingerprint(out)).toEqual(before);
    expect(walk(dir).filter((f) => /\.(building|old)-\d+/.test(f))).toEqual([]);
    expect(existsSync(path.join(out, 'leak.txt'))).toBe(false);
  }, 180_000);
});

describe('resolveOptions', () => {
  it('refuses the build\'s output folder (CODEX_ARCHIVE_OUT) when it lies inside a configured source', () => {
    const ctx = (out: string) => ({ env: { CODEX_ARCHIVE_OUT: out }, root: projectRoot, isDirectory: () => true });
    expect(() => resolveOptions({ sources: ['/data/codex'] }, ctx('/data/codex/site'))).toThrow(/lies inside the source folder \/data\/codex/);
    expect(() => resolveOptions({ sources: ['/data/codex'] }, ctx('/data'))).toThrow(/contains the source folder/);
    expect(() => resolveOptions({ sources: ['/data/codex'] }, ctx('/srv/site'))).not.toThrow();
  });
});
