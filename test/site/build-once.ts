/**
 * One real build of fixtures/demo-home per test run, shared by every test file that needs it
 * (site checks and browser tests run in separate workers). The first caller takes a lock folder
 * and builds; the others wait for its marker. The build uses base `/codex-archive/` (so the
 * browser tests can serve it under that path) and its own cache and report, so it never touches
 * the user's dist/, content store or report.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const demoHome = path.join(projectRoot, 'fixtures', 'demo-home');
export const BASE = '/codex-archive/';

/** Paths of the shared build. */
export interface DemoBuild {
  dir: string;
  dist: string;
  report: string;
  log: string;
}

/** Workers of one vitest run share the parent process; a run without workers uses its own pid. */
export function runKey(): string {
  if (process.env.CODEX_ARCHIVE_TEST_RUN) return process.env.CODEX_ARCHIVE_TEST_RUN;
  const pid = typeof process.send === 'function' ? process.ppid : process.pid;
  // Add the process start time (Linux) so a reused pid never picks up an old run's build.
  let started = '';
  try {
    started = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] ?? '';
  } catch {
    started = '';
  }
  return started ? `${pid}-${started}` : String(pid);
}

/**
 * Runs scripts/build.mjs with these arguments on a Codex home (the demo by default), with `extraEnv`
 * added to the environment; resolves with its output.
 */
export function runBuildScript(args: string[], log: string, home = demoHome, extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CODEX_HOME: home, CODEX_ARCHIVE_SOURCES: '', ...extraEnv };
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', async (code) => {
      await writeFile(log, output);
      if (code === 0) resolve(output);
      else reject(new Error(`Build failed (exit ${code}):\n${output.slice(-4000)}`));
    });
  });
}

async function runBuild(b: DemoBuild): Promise<void> {
  await runBuildScript(['--out', b.dist, '--base', BASE, '--report', b.report, '--cache-dir', path.join(b.dir, 'cache')], b.log);
}

/**
 * Runs `work` once per test run across vitest's workers: the first caller takes a lock folder
 * inside `dir` and works, the others wait for its result (or its failure). The result must be
 * JSON-serialisable; waiters get it parsed back.
 */
export async function onceAcrossWorkers<T>(dir: string, what: string, work: () => Promise<T>): Promise<T> {
  const done = path.join(dir, '.done');
  const failed = path.join(dir, '.failed');
  await mkdir(dir, { recursive: true });
  let owner = false;
  try {
    await mkdir(path.join(dir, '.lock'));
    owner = true;
  } catch {
    owner = false;
  }
  if (owner) {
    try {
      const result = await work();
      await writeFile(done, JSON.stringify(result));
      return result;
    } catch (error) {
      await writeFile(failed, (error as Error).message);
      throw error;
    }
  }
  const deadline = Date.now() + 280_000;
  while (Date.now() < deadline) {
    if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as T;
    if (existsSync(failed)) throw new Error(await readFile(failed, 'utf8'));
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${what} in ${dir}`);
}

/** Builds the demo once per run (or waits for the worker that does) and returns its paths. */
export async function demoBuild(): Promise<DemoBuild> {
  const dir = path.join(os.tmpdir(), `codex-archive-test-${runKey()}`);
  const b: DemoBuild = { dir, dist: path.join(dir, 'dist'), report: path.join(dir, 'report.json'), log: path.join(dir, 'build.log') };
  return onceAcrossWorkers(dir, 'the shared demo build', async () => {
    await removeStaleBuilds(dir);
    await runBuild(b);
    return b;
  });
}

/** Deletes shared builds of earlier runs (older than an hour), so /tmp does not fill up. */
async function removeStaleBuilds(current: string): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const full = path.join(tmp, name);
    if (!name.startsWith('codex-archive-test-') || full === current) continue;
    const age = Date.now() - (await stat(full).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > 3_600_000) await rm(full, { recursive: true, force: true });
  }
}

/** Removes a finished run's build folder (call from a teardown; harmless when absent). */
export async function removeDemoBuild(): Promise<void> {
  await rm(path.join(os.tmpdir(), `codex-archive-test-${runKey()}`), { recursive: true, force: true });
}

/** Relative path → sha256 of every file under `root` (to compare two builds file for file). */
export function fileHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = createHash('sha256').update(readFileSync(path.join(root, r))).digest('hex');
    }
  };
  walk('');
  return out;
}

/** Where `writeTestConfig(name)` writes: `name` must be unique to the test run or process. */
export function testConfigPath(name: string): string {
  return path.join(projectRoot, 'node_modules', '.codex-archive-test', `${name}.config.mjs`);
}

/**
 * Writes an Astro config using the integration with `options` (JavaScript source of its options
 * object) and the project's build settings; returns its path. It lives under node_modules
 * (ignored by git) because it must resolve `astro` from the project.
 */
export async function writeTestConfig(name: string, options: string): Promise<string> {
  const file = testConfigPath(name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `import { defineConfig } from 'astro/config';
import codexArchive from ${JSON.stringify(path.join(projectRoot, 'src/integration/index.ts'))};
export default defineConfig({
  integrations: [codexArchive(${options})],
  build: { format: 'directory', inlineStylesheets: 'never' },
});
`,
  );
  return file;
}
