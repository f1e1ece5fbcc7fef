#!/usr/bin/env node
/**
 * `npm run build`: builds the archive into a temporary folder beside the output folder, checks
 * it (scripts/verify.mjs, when present), then swaps it in: rename the old site away, rename the
 * new one in, and delete the old one in a detached process (the build does not wait for it; a
 * delete that is cut short is finished by the next build). An interrupted or failed build leaves
 * the last good site.
 *
 * Astro runs in a child process (this script again, with CODEX_ARCHIVE_BUILD_STAGE=astro) with a
 * capped V8 heap: without a cap V8 lets the heap grow to ~4 GB on a 24 GB machine with
 * garbage it has not collected. CODEX_ARCHIVE_HEAP_MB sets the cap (default 1024; 0 = no cap, as
 * does a --max-old-space-size in NODE_OPTIONS). A build that runs out of heap says so. The child
 * exits before the verifier starts, so the two never hold memory at the same time.
 *
 * Usage: node scripts/build.mjs [--out dist] [--base /repo/] [--report file] [--cache-dir dir]
 *   --report     where report.json goes (default .codex-archive/report.json; never inside --out)
 *   --cache-dir  Astro's cache (content store); give separate builds separate caches
 *   --config     another Astro config file (default astro.config.mjs)
 *   --force      build even when nothing changed since the last build (scripts/up-to-date.mjs)
 * Sources come from astro.config.mjs / CODEX_ARCHIVE_SOURCES / CODEX_HOME / ~/.codex (else the demo).
 * Astro's line per page is counted into a progress line every few seconds (route-lines.mjs);
 * CODEX_ARCHIVE_PAGE_LINES=1 shows every one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { checkOutputFolder } from '../src/integration/utils/output-safety.ts';
import { isPagesFinal } from '../src/integration/pages-final.ts';
import { buildLockFile, releaseBuildLock, takeBuildLock } from './build-lock.mjs';
import { createRouteFilter } from './route-lines.mjs';
import { inputFingerprint, recordBuild, treeHash, upToDate } from './up-to-date.mjs';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const started = performance.now();
/** @type {Record<string, number>} */
const phases = {};
let t = performance.now();

function fail(message) {
  console.error(`\n${message}`);
  process.exit(1);
}

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'dist' },
    base: { type: 'string' },
    report: { type: 'string' },
    'cache-dir': { type: 'string' },
    config: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log('Usage: npm run build [-- --out <folder>] [--base /<repo>/] [--report <file>] [--cache-dir <folder>] [--config <file>] [--force]');
  process.exit(0);
}

const out = path.resolve(root, args.out);
const parent = path.dirname(out);
const name = path.basename(out);
const tmp = process.env.CODEX_ARCHIVE_BUILD_TMP || path.join(parent, `.${name}.building-${process.pid}`);
const old = path.join(parent, `.${name}.old-${process.pid}`);
// The Astro child hands the search index over in this file (src/integration/search-job.ts); its
// name starts like tmp's, so an interrupted build's job is cleaned up with its folder.
const searchJob = `${tmp}.search.json`;
// Set by this script for the Astro child, never by hand.
const astroStage = process.env.CODEX_ARCHIVE_BUILD_STAGE === 'astro' && Boolean(process.env.CODEX_ARCHIVE_BUILD_TMP);
/** Default heap cap of the Astro process, MB (see docs/performance.md, "Verifier, swap and heap cap"). */
const DEFAULT_HEAP_MB = 1024;
/**
 * Most session pages a build may have rendered for the verifier to run beside the search index
 * (see below): a day's work, whose changed pages fall in one or two search shards.
 */
const SIDE_BY_SIDE_MAX_RENDERED = 200;
/** Whether a build that rendered this many session pages (a number, or unknown) may verify beside the search index. */
const smallEnoughBeside = (rendered) => typeof rendered === 'number' && rendered <= SIDE_BY_SIDE_MAX_RENDERED;
/** The search index process streams pages through and keeps little: ~100 MB of heap at 20,000. */
const SEARCH_HEAP_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=4'];

/** Sources known before the build (the integration resolves the final list; checked again after). */
function envSources() {
  const list = (process.env.CODEX_ARCHIVE_SOURCES ?? '').split(path.delimiter).filter(Boolean);
  if (list.length) return list.map((p) => path.resolve(root, p));
  return [path.resolve(root, process.env.CODEX_HOME || path.join(homedir(), '.codex'))];
}

function refuseUnsafe(folder, sources) {
  const problems = checkOutputFolder({ out: folder, projectRoot: root, home: homedir(), sources });
  if (problems.length) {
    fail(
      `Refusing to build into ${folder}: the build replaces that folder entirely.\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nChoose another output folder, e.g. `npm run build -- --out dist`.',
    );
  }
}

refuseUnsafe(out, envSources());

process.env.ASTRO_TELEMETRY_DISABLED = '1';
// Node keeps the compiled code of the modules the children load (Astro, Vite, the verifier's
// rules, Pagefind's client) between builds, so a rebuild does not compile them again. A cache
// the user set up wins.
process.env.NODE_COMPILE_CACHE ??= path.join(root, 'node_modules', '.codex-archive-build', 'compile-cache');
const reportFile = path.resolve(root, args.report ?? path.join('.codex-archive', 'report.json'));
process.env.CODEX_ARCHIVE_REPORT = reportFile;
// The integration checks this folder against the sources it resolves (astro.config.mjs may name
// sources we do not know here) and stops before Astro writes anything.
process.env.CODEX_ARCHIVE_OUT = out;
if (!path.relative(out, reportFile).startsWith('..')) {
  fail(`Refusing to write the report inside the output folder (${reportFile}): it names local files. Choose another --report.`);
}

if (astroStage) {
  // The child: run Astro into the temporary folder and stop. The parent checks, swaps, cleans up.
  await buildWithAstro();
  process.exit(0);
}

/** Where the Astro child with this pid renders from (see buildWithAstro). */
function scratchFolder(pid) {
  return path.join(root, 'node_modules', '.codex-archive-build', String(pid));
}

/** Astro's build into `tmp` (in the child process). Exits 1 with a message when it fails. */
async function buildWithAstro() {
  const cwd = process.cwd();
  const scratch = scratchFolder(process.pid);
  try {
    const { build } = await import('astro');
    // Astro renders pages from a scratch folder: `<outDir>/.prerender/` when the output folder lies
    // under the working directory, else `<cwd>/.astro/.prerender/`, which concurrent builds into
    // other folders then share (one deletes it while another still renders from it). Each build
    // works from a folder of its own inside the project (the chunks must resolve node_modules).
    await mkdir(scratch, { recursive: true });
    process.chdir(scratch);
    await build({
      root,
      outDir: tmp,
      ...(args.base ? { base: args.base } : {}),
      ...(args['cache-dir'] ? { cacheDir: path.resolve(root, args['cache-dir']) } : {}),
      // Astro joins configFile onto root, so it must be relative to it.
      ...(args.config ? { configFile: path.relative(root, path.resolve(root, args.config)) } : {}),
      logLevel: 'info',
    });
  } catch (error) {
    process.chdir(cwd);
    await rm(scratch, { recursive: true, force: true });
    const e = /** @type {Error} */ (error);
    const message = e?.name === 'CodexArchiveConfigError' || e?.name === 'SourceNotFoundError' ? e.message : (e?.stack ?? String(e));
    fail(`Build failed; ${out} is unchanged.\n${message}`);
  }
  process.chdir(cwd);
  await rm(scratch, { recursive: true, force: true });
}

/**
 * Deletes folders in a detached, low-priority Node process, so the build does not wait for it.
 * The folders carry names only this script uses (`.<out>.old-<pid>`, `.<out>.building-<pid>`):
 * if the delete is cut short, the next build finds them and deletes them again.
 */
function deleteDetached(folders) {
  if (!folders.length) return;
  const script = `
const { rmSync } = process.getBuiltinModule('node:fs');
try { process.getBuiltinModule('node:os').setPriority(19); } catch {}
for (const folder of process.argv.slice(1)) {
  for (let i = 0; i < 3; i++) { try { rmSync(folder, { recursive: true, force: true }); break; } catch {} }
}`;
  try {
    const child = spawn(process.execPath, ['-e', script, ...folders], { detached: true, stdio: 'ignore', cwd: parent });
    child.on('error', () => {}); // left for the next build
    child.unref();
  } catch {
    // Could not start a process: the next build deletes them.
  }
}

/** The heap cap for the Astro process: [node options, MB or null when not ours]. */
function heapCap() {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-old-space-size'));
  if (given) return { flags: [], mb: null, source: 'NODE_OPTIONS / node flags' };
  const env = (process.env.CODEX_ARCHIVE_HEAP_MB ?? '').trim();
  if (env && !/^\d+$/.test(env)) fail(`CODEX_ARCHIVE_HEAP_MB must be a number of megabytes (0 for no cap), not "${env}".`);
  const mb = env ? Number(env) : DEFAULT_HEAP_MB;
  return mb > 0 ? { flags: [`--max-old-space-size=${mb}`], mb, source: env ? 'CODEX_ARCHIVE_HEAP_MB' : 'default' } : { flags: [], mb: null, source: 'CODEX_ARCHIVE_HEAP_MB=0' };
}

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();
/**
 * Starts a Node child with inherited output (and a pipe to its stdin if asked; its stdout passed
 * through `filter` line by line if given; an IPC channel if asked); `done` resolves with how it
 * ended, once its output is written.
 */
function startNode(argv, env, { cwd = root, stdin = 'inherit', filter = null, ipc = false } = {}) {
  const child = spawn(process.execPath, argv, { cwd, stdio: [stdin, filter ? 'pipe' : 'inherit', 'inherit', ...(ipc ? ['ipc'] : [])], env });
  running.add(child);
  // A child that ended early closes its stdin; writing to it then must not crash the build.
  child.stdin?.on('error', () => {});
  const output = filter
    ? new Promise((resolve) => {
        const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
        lines.on('line', (line) => filter.line(line));
        lines.on('close', () => {
          filter.end();
          resolve(undefined);
        });
      })
    : Promise.resolve();
  const done = new Promise((resolve) => {
    child.on('error', (error) => {
      running.delete(child);
      resolve({ code: null, signal: null, error, pid: child.pid });
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, error: null, pid: child.pid });
    });
  }).then(async (ended) => {
    await output;
    return ended;
  });
  return { child, done };
}
/** Runs a Node child with inherited output; resolves with how it ended. */
function runNode(argv, env, cwd = root) {
  return startNode(argv, env, { cwd }).done;
}

const cap = heapCap();
/**
 * V8 sizes the young generation of a busy process by itself (at 1,000 sessions the Astro process's
 * heap was 290 MB for ~130 MB used); it allocates fast, a session page at a time. With 16 MB per
 * semi-space, 20,000 sessions peaked at 1,173 MiB and rendered in 330 s; 8 MB saved ~120 MiB at
 * 1,000 sessions but at 20,000 rendered 7 % slower (354 s) and peaked no lower (1,203 MiB); one
 * run each, quiet machine.
 */
const youngFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-semi-space-size')) ? [] : ['--max-semi-space-size=16'];

// One build per output folder at a time (scripts/build-lock.mjs says why).
const lockFile = buildLockFile(root, out);
const busy = takeBuildLock(lockFile, out);
if (busy) fail(busy);
process.on('exit', () => releaseBuildLock(lockFile));

// Leftovers of interrupted builds and unfinished deletes (only our own, by name), deleted while
// this build runs.
deleteDetached(
  (await readdir(parent).catch(() => []))
    .filter((entry) => entry.startsWith(`.${name}.building-`) || entry.startsWith(`.${name}.old-`))
    .map((entry) => path.join(parent, entry)),
);

// Nothing changed since the last good build into this folder (code, config, arguments, the
// Codex homes it read, the folder itself)? Then the site is up to date: say so and stop.
const recordDir = path.resolve(root, args['cache-dir'] ?? path.join('node_modules', '.astro'));
const configFile = path.resolve(root, args.config ?? 'astro.config.mjs');
const fingerprintArgs = { out, base: args.base ?? null, config: configFile };
// Memoised by source list: the check and the record below fingerprint the same homes (a walk of
// every rollout: ~0.5 s at 20,000 sessions), both before the build starts.
const fingerprints = new Map();
const fingerprint = (sources) => {
  const key = JSON.stringify([...sources].sort());
  if (!fingerprints.has(key)) fingerprints.set(key, inputFingerprint({ root, configFile, args: fingerprintArgs, sources }));
  return fingerprints.get(key);
};
t = performance.now();
const last = args.force ? null : await upToDate({ cacheDir: recordDir, out, fingerprint });
if (last) {
  const ms = performance.now() - t;
  // The site is the last build's, so is what the report says about it; only the time is this run's.
  await mkdir(path.dirname(reportFile), { recursive: true });
  await writeFile(reportFile, JSON.stringify({ ...last.report, upToDate: { since: last.builtAt }, timingsMs: { 'up-to-date check': Math.round(ms) } }, null, 2) + '\n');
  console.log(
    `Nothing changed since the last build (${last.builtAt}): ${path.relative(process.cwd(), out) || out}/ is up to date ` +
      `(${last.report.sessions} sessions; checked in ${(ms / 1000).toFixed(1)}s). To build anyway: npm run build -- --force`,
  );
  process.exit(0);
}
// Fingerprint the inputs BEFORE building, so a rollout written during the build makes the next
// build run. The sources are those the last build resolved (the integration resolves them).
const candidates = (await readFile(path.join(recordDir, 'codex-archive', 'sources-hint.json'), 'utf8').then(JSON.parse).catch(() => null)) ?? envSources();
const inputsBefore = fingerprint(candidates);

const verifier = path.join(root, 'scripts', 'verify.mjs');
/** The verifier's run (`startVerifier`); null until it starts. */
let verifierRun = null;
let verifyStarted = 0;
/**
 * Starts scripts/verify.mjs on the build folder. `later`: `pagefind/` is not complete yet; it is
 * scanned once `ready` is written to the verifier's stdin, and closing stdin without it stops the
 * scan. `beside`: it runs beside the Astro process and the search shard it is waiting for.
 */
const startVerifier = ({ emailAllowlist = [], cacheDir = null, later = false, beside = false }) => {
  console.log(`\nVerifying the output (scripts/verify.mjs)${beside ? ' while the search index is completed' : ''} …`);
  verifyStarted = performance.now();
  const allow = emailAllowlist.length ? [`--allow-email=${emailAllowlist.join(',')}`] : [];
  // Verdicts of earlier runs and of the pages verified while Astro rendered them
  // (src/integration/page-verifier.ts; never in the output): files whose exact bytes were found
  // clean by the same detectors with the same options are not scanned again.
  const cache = cacheDir ? [`--cache=${path.join(cacheDir, 'codex-archive', 'verified.json')}`] : [];
  // Beside Astro and Pagefind both cores are taken and a small rebuild leaves ~100 files to read:
  // no threads and a small young generation (the verifier's peak at 20,000 sessions: 280 -> 150
  // MiB, keeping the build under its 1.5 GB budget).
  const [flags, threads] = beside ? [['--max-semi-space-size=2'], ['--threads=0']] : [[], []];
  verifierRun = startNode([...flags, verifier, tmp, ...allow, ...cache, ...threads, ...(later ? ['--later=pagefind'] : [])], process.env, { stdin: later ? 'pipe' : 'inherit' });
  // And it gives way: the shard Pagefind is still indexing is what the build waits for (paired
  // runs at 20,000 sessions: the wait after Astro's last route 5.7-6.1 -> 5.3-5.7 s at nice 15).
  if (beside && verifierRun.child.pid) {
    try {
      setPriority(verifierRun.child.pid, 15);
    } catch {
      // Not allowed here: it runs at the build's own priority.
    }
  }
};
/** Stops a verifier still running (a failed build's folder is about to go). */
const stopVerifier = async () => {
  if (!verifierRun) return;
  verifierRun.child.kill();
  await verifierRun.done;
};

let interrupted = false;
const cleanUp = async () => {
  await stopVerifier();
  await rm(tmp, { recursive: true, force: true });
  await rm(searchJob, { force: true });
};
const stopInterrupted = async () => {
  await cleanUp();
  process.exit(130);
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nInterrupted: ${out} is unchanged.`);
    // Running children (Astro, the search index, the verifier) are stopped first: they may still
    // be writing into tmp.
    if (running.size) for (const child of running) child.kill(signal);
    else void stopInterrupted();
  });
}

console.log(`Building into ${path.relative(root, tmp) || tmp} …`);
t = performance.now();
{
  const env = {
    // Rolldown (Vite's bundler, native) allocates with mimalloc, which by default backs its 1 GiB
    // arena with transparent huge pages: ~190-250 MiB of the Astro process's resident memory
    // after bundling was partly used 2 MiB pages (measured: 775 -> 587 MiB at 1,000 sessions,
    // same time into the build). A user's own setting wins.
    MIMALLOC_ALLOW_THP: '0',
    MIMALLOC_ARENA_EAGER_COMMIT: '0',
    // And memory it frees goes back to the system at once, rather than being marked free but left
    // resident: the Astro process after a one-session rebuild at 20,000 sessions, 909-923 ->
    // 825-828 MiB, at the point where a search shard is being indexed beside it (search-ahead.ts).
    MIMALLOC_PURGE_DECOMMITS: '1',
    MIMALLOC_PURGE_DELAY: '0',
    ...process.env,
    CODEX_ARCHIVE_BUILD_STAGE: 'astro',
    CODEX_ARCHIVE_BUILD_TMP: tmp,
    CODEX_ARCHIVE_SEARCH_JOB: searchJob,
  };
  // Astro's line per page becomes a progress line every few seconds (route-lines.mjs); Astro
  // still colours its output when ours is a terminal.
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';
  const filter = process.env.CODEX_ARCHIVE_PAGE_LINES === '1' ? null : createRouteFilter({ write: (line) => process.stdout.write(`${line}\n`) });
  const astro = startNode([...process.execArgv, ...cap.flags, ...youngFlags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], env, { cwd: process.cwd(), filter, ipc: true });
  // After a small rebuild every file but the search index is final while the Astro process still
  // waits for the shard built ahead (src/integration/pages-final.ts): the verifier starts then.
  astro.child.on('message', (message) => {
    if (!isPagesFinal(message) || verifierRun || interrupted || !existsSync(verifier)) return;
    if (!message.redacted || !smallEnoughBeside(message.rendered)) return;
    startVerifier({ emailAllowlist: message.emailAllowlist, cacheDir: message.cacheDir, later: true, beside: true });
  });
  const run = await astro.done;
  // A child that crashed (out of memory) or was killed could not remove its scratch folder.
  if (run.code !== 0 && run.pid) await rm(scratchFolder(run.pid), { recursive: true, force: true });
  if (interrupted) await stopInterrupted();
  if (run.code !== 0) {
    await cleanUp();
    if (run.signal === 'SIGABRT' || run.code === 134) {
      const limit = cap.mb ? `the heap cap of ${cap.mb} MB (${cap.source})` : `the heap limit (${cap.source})`;
      const raise = cap.mb ? cap.mb * 2 : 4096;
      fail(
        `Build failed: it ran out of memory ("JavaScript heap out of memory" above) under ${limit}; ${out} is unchanged.\n` +
          `Give it more heap and build again, e.g. CODEX_ARCHIVE_HEAP_MB=${raise} npm run build (0 = no cap).`,
      );
    }
    if (run.signal === 'SIGKILL') {
      fail(
        `Build failed: the build process was killed (SIGKILL); ${out} is unchanged.\n` +
          'If nobody stopped it, the system ran out of memory and killed it: close other programs, or lower CODEX_ARCHIVE_HEAP_MB.',
      );
    }
    if (run.error) fail(`Build failed: could not start the build process (${run.error.message}); ${out} is unchanged.`);
    // The child printed why (code 1); anything else is unexpected.
    if (run.code === 1) process.exit(1);
    fail(`Build failed (${run.signal ?? `exit ${run.code}`}); ${out} is unchanged.`);
  }
}
phases.build = performance.now() - t;
/** How long the verifier had run when the Astro process ended (it may start before: above). */
const verifiedDuringBuild = verifierRun ? performance.now() - verifyStarted : 0;

const report = JSON.parse(await readFile(reportFile, 'utf8'));
// Now that the integration has resolved the real sources, check the output folder against them
// (again: the integration refuses first), removing the unused build when it is refused.
if (checkOutputFolder({ out, projectRoot: root, home: homedir(), sources: report.sources.map((s) => s.path) }).length) await cleanUp();
refuseUnsafe(out, report.sources.map((s) => s.path));

// What is left: the search index (now that the Astro process and its memory are gone:
// search-job.ts) and the verifier. After a small rebuild they run side by side: the verifier
// scans the pages while the index is built and the index once it is complete
// (`--later=pagefind`), and the index is built by one Pagefind service (a few shards change);
// when the Astro process itself completed the index (its shards built while pages rendered), the
// verifier started before it exited, once its pages were final (above).
// After a large one they run one after the other: Pagefind's two services (~1.1 GB at 20,000
// sessions) and the verifier (~0.3 GB) side by side would pass the 1.5 GB memory budget, and both
// use every core anyway.
const hasSearchJob = existsSync(searchJob);
const verifying = report.redacted !== false && existsSync(verifier);
const rendered = report.incremental?.sessionPagesRendered;
// Started already (above) when the Astro process said its pages were final.
const sideBySide = verifierRun !== null || (hasSearchJob && verifying && smallEnoughBeside(rendered));
const verifierOptions = { emailAllowlist: report.emailAllowlist ?? [], cacheDir: report.cacheDir ?? null };
if (!verifying) {
  if (report.redacted === false) console.log('\n!!! redact: false — the output was NOT re-scanned for secrets. Do not publish it.');
  else console.log('\n(scripts/verify.mjs not present: output not re-scanned.)');
} else if (sideBySide && !verifierRun) startVerifier({ ...verifierOptions, later: true });

if (hasSearchJob) {
  t = performance.now();
  // In a process of its own with a small heap (scripts/search-index.mjs says why).
  const services = sideBySide ? ['--services=1'] : [];
  const run = await runNode([...process.execArgv, ...SEARCH_HEAP_FLAGS, path.join(root, 'scripts', 'search-index.mjs'), searchJob, ...services], process.env);
  if (interrupted) await stopInterrupted();
  if (run.code !== 0) {
    await cleanUp();
    fail(`Build failed while building the search index (see the message above); ${out} is unchanged.`);
  }
  verifierRun?.child.stdin?.end('ready\n');
  await rm(searchJob, { force: true });
  report.timingsMs = { ...(report.timingsMs ?? {}), pagefind: Math.round(performance.now() - t) };
}
if (verifying && !verifierRun) startVerifier(verifierOptions);
// The search index is complete (built by the Astro process when there was no job).
else if (!hasSearchJob) verifierRun?.child.stdin?.end('ready\n');

// The folder is final: one walk gives its size (for the report) and its fingerprint (for the next
// build's "nothing changed" check), while the verifier works.
const site = { bytes: 0, files: 0 };
const outputHash = treeHash(tmp, { tally: site });
report.site = site;
{
  const { sizeWarning } = await import('../src/integration/utils/site-size.ts');
  const tooBig = sizeWarning(report.site.bytes, report.outputChars);
  if (tooBig) console.warn(`\n${tooBig}`);
}
await writeFile(reportFile, JSON.stringify(report, null, 2) + '\n');

if (verifierRun) {
  const run = await verifierRun.done;
  phases.verify = performance.now() - verifyStarted;
  if (interrupted) await stopInterrupted();
  if (run.code !== 0) {
    await cleanUp();
    fail(`The verifier found problems (${run.signal ?? `exit ${run.code}`}); the new build was discarded and ${out} is unchanged.`);
  }
}

t = performance.now();
const hadSite = existsSync(out);
if (hadSite) await rename(out, old);
await rename(tmp, out);
// The previous site is out of the way: delete it without making the user wait.
if (hadSite) deleteDetached([old]);
phases.swap = performance.now() - t;

// Remember this build for the next one's "nothing changed" check. Its inputs count only when
// the sources it resolved are those fingerprinted before it started.
{
  const sources = report.sources.map((s) => s.path);
  const same = JSON.stringify([...sources].sort()) === JSON.stringify([...candidates].sort());
  await mkdir(path.join(recordDir, 'codex-archive'), { recursive: true });
  await writeFile(path.join(recordDir, 'codex-archive', 'sources-hint.json'), JSON.stringify(sources));
  await recordBuild({ cacheDir: recordDir, out, sources, inputs: same ? inputsBefore : null, report, output: outputHash }).catch(() => {});
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const redactions = Object.entries(report.redactions ?? {});
const unknownByVersion = Object.entries(report.reader?.unknownKindsByVersion ?? {}).map(
  ([version, kinds]) => `${version}: ${Object.keys(kinds).join(', ')}`,
);
const timings = { ...(report.timingsMs ?? {}), ...phases };
console.log(`
Done in ${seconds(performance.now() - started)}: ${path.relative(process.cwd(), out) || out}/
  sessions       ${report.sessions}${report.demo ? ' (demo home)' : ''}
  pages          ${report.pages}
  skipped lines  ${report.skippedLines}
  unknown kinds  ${report.unknownTotal}${unknownByVersion.length ? ` (${unknownByVersion.join('; ')})` : ''}
  redactions     ${report.redacted ? (redactions.length ? redactions.map(([rule, n]) => `${rule}: ${n}`).join(', ') : 'none found') : 'OFF (redact: false)'}
  time           ${Object.entries(timings).map(([k, v]) => `${k} ${seconds(v)}${k === 'verify' && verifiedDuringBuild >= 50 ? ` (${seconds(verifiedDuringBuild)} of it during the build)` : ''}`).join(', ')}
  report         ${path.relative(process.cwd(), reportFile)}
Open ${path.join(path.relative(process.cwd(), out) || out, 'index.html')} in a browser, or run npm run preview.`);
