#!/usr/bin/env node
/**
 * Full-site benchmark: the real `npm run build` over a synthetic Codex home.
 *
 *   npm run bench -- [--n 1000] [--mode all|cold|nochange|onechanged] [--append-at resume|continue] [--seed S] [--keep] [--timeout MIN]
 *
 * - Generates (or reuses, cached under .cache/bench/) a home of --n sessions with
 *   scripts/synth/generate.mjs.
 * - cold: empty output folder and empty cache, then build (each bench home has its own Astro
 *   cache, report and site under .cache/bench/<home>/).
 *   nochange: build again with nothing changed (after a cold build, or an unmeasured warm-up).
 *   onechanged: append one realistic turn to one session (the first rollout in path order, the
 *   oldest), then build. --append-at resume (default) stamps the turn now, as `codex resume`
 *   appends to an old session; continue stamps it minutes after the session's last record, as if
 *   the oldest session had gone on then (a case Codex does not produce, kept to compare with the
 *   numbers measured that way before: docs/performance.md).
 *   all (default): cold, nochange, onechanged in that order.
 * - For each build: wall time; CPU time of the whole build (user + system, every process) and
 *   the cores it kept busy on average (CPU / wall); phase times from .cache/bench/<home>/report.json (`phases`, or the
 *   report's `timingsMs`) when present; peak RSS of the whole build process tree (VmRSS of the
 *   child and all its descendants, summed, polled every 100 ms); output size; largest HTML page.
 * - The floor: read + JSON.parse of the same input in this process, and total/floor.
 *
 * Builds go to .cache/bench/<home>/site (never dist/), so the bench does not replace anyone's
 * site. --keep keeps the site folder afterwards (the home is always cached). A build running
 * longer than --timeout minutes (default 60) is stopped, with its whole process group.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateHome, appendToSession, firstRollout } from './synth/generate.mjs';
import { floorRead, listRollouts } from './bench-reader.mjs';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const MB = 1e6;

/** Parent pid of every process, from /proc (Linux). */
function processTable() {
  const parents = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 is the ppid; the command name (field 2) may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** Summed VmRSS (bytes) of `pid` and all its descendants. */
function treeRss(pid) {
  const parents = processTable();
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parents) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let sum = 0;
  for (const p of tree) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) sum += Number(m[1]) * 1024;
    } catch {
      // Gone.
    }
  }
  return sum;
}

/**
 * CPU seconds (user + system) of this process's children that have ended and been waited for:
 * fields 16 and 17 of /proc/self/stat, in clock ticks (USER_HZ, 100 on Linux). The build's whole
 * tree is counted (npm, the build, Astro, the search job, Pagefind), since each waits for its own.
 */
function childrenCpuSeconds() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Run `npm run build -- --out <site>` with CODEX_HOME=<home>; measure wall time, CPU time and tree RSS. */
function runBuild(home, site, logFile, timeoutMin) {
  const base = path.dirname(site);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const cpu0 = childrenCpuSeconds();
    const log = fs.openSync(logFile, 'w');
    // Own process group, so a timeout can stop npm, the build and anything it started.
    // Its own report and Astro cache (incremental records, search shards, verifier verdicts).
    const args = ['--out', site, '--report', path.join(base, 'report.json'), '--cache-dir', path.join(base, 'cache')];
    const child = spawn('npm', ['run', 'build', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, CODEX_HOME: home, CODEX_ARCHIVE_SOURCES: '' },
      stdio: ['ignore', log, log],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMin * 60_000);
    let peak = 0;
    const poll = setInterval(() => {
      const rss = treeRss(child.pid);
      if (rss > peak) peak = rss;
    }, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      fs.closeSync(log);
      const seconds = (performance.now() - t0) / 1000;
      // A failed build still did (most of) its work: keep its time and memory, flag it.
      const status = timedOut ? `timeout after ${timeoutMin} min` : code === 0 ? 'ok' : `exit ${code}`;
      resolve({ seconds, cpuSeconds: childrenCpuSeconds() - cpu0, peakRss: peak, status, log: path.relative(ROOT, logFile) });
    });
  });
}

/** Total size and largest .html file of a folder. */
function outputStats(dir) {
  let bytes = 0, files = 0;
  let largest = { bytes: 0, file: null };
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const size = fs.statSync(p).size;
        bytes += size;
        files++;
        if (e.name.endsWith('.html') && size > largest.bytes) largest = { bytes: size, file: path.relative(dir, p) };
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return { bytes, files, largest };
}

/**
 * Phase times (ms) from the build report: `phases` if the build writes it, else `timingsMs`.
 * The report lives in the shared project root, so another build may have replaced it: use it
 * only if it was written after `sinceMs` and names our home among its sources.
 */
function readPhases(home, sinceMs, logFile) {
  const file = path.join(path.dirname(home), 'report.json');
  // build.mjs prints Astro's total (`build`), the verifier and the swap only in its log.
  const fromLog = {};
  try {
    const line = fs.readFileSync(logFile, 'utf8').split('\n').find((l) => /^\s+time\s/.test(l)) ?? '';
    for (const m of line.matchAll(/(build|verify|swap) ([\d.]+)s/g)) fromLog[m[1]] = Number(m[2]) * 1000;
  } catch {
    // No log.
  }
  try {
    if (fs.statSync(file).mtimeMs < sinceMs) return { phases: null, sessions: null, pages: null };
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    const sources = (report.sources ?? []).map((s) => path.resolve(s.path ?? s));
    if (sources.length && !sources.includes(path.resolve(home))) return { phases: null, sessions: null, pages: null };
    const phases = report.phases ?? report.timingsMs ?? null;
    return { phases: phases && { ...phases, ...fromLog }, sessions: report.sessions ?? null, pages: report.pages ?? null, incremental: report.incremental ?? null };
  } catch {
    return { phases: null, sessions: null, pages: null };
  }
}

async function ensureHome(dir, n, seed) {
  const marker = path.join(dir, '.bench-complete.json');
  if (fs.existsSync(marker)) {
    const info = JSON.parse(fs.readFileSync(marker, 'utf8'));
    if (!info.appended) return info;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`Generating ${n} sessions in ${path.relative(ROOT, dir)} …`);
  const r = await generateHome({ out: dir, sessions: n, seed });
  const info = { files: r.files, bytes: r.bytes, seed, appended: false, generatorMBps: r.bytes / MB / (r.ms / 1000) };
  console.log(`  ${fmtMB(r.bytes)} MB in ${(r.ms / 1000).toFixed(1)} s (${info.generatorMBps.toFixed(0)} MB/s)`);
  fs.writeFileSync(marker, JSON.stringify(info, null, 2));
  return info;
}

const fmtMB = (b) => (b / MB).toFixed(1);
const fmtS = (ms) => (ms == null ? '-' : (ms / 1000).toFixed(1));

async function main() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000' },
      mode: { type: 'string', default: 'all' },
      seed: { type: 'string', default: 'bench' },
      keep: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '60' },
      'append-at': { type: 'string', default: 'resume' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run bench -- [--n 1000] [--mode all|cold|nochange|onechanged] [--append-at resume|continue] [--seed S] [--keep] [--timeout MIN]');
    return;
  }
  const n = Number(values.n);
  const modes = values.mode === 'all' ? ['cold', 'nochange', 'onechanged'] : [values.mode];
  if (!(n > 0)) throw new Error('--n must be a positive number.');
  const appendAt = values['append-at'];
  if (appendAt !== 'resume' && appendAt !== 'continue') throw new Error(`Unknown --append-at ${appendAt}: use resume or continue.`);
  for (const m of modes) if (!['cold', 'nochange', 'onechanged'].includes(m)) throw new Error(`Unknown --mode ${m}: use all, cold, nochange or onechanged.`);
  if (!fs.existsSync(path.join(ROOT, 'scripts', 'build.mjs'))) throw new Error('scripts/build.mjs does not exist yet: there is no build to benchmark.');

  const base = path.join(ROOT, '.cache', 'bench', `n${n}-seed-${values.seed}`);
  const home = path.join(base, 'home');
  const site = path.join(base, 'site');
  const logs = path.join(base, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const marker = path.join(home, '.bench-complete.json');
  if (modes[0] === 'cold') await ensureHome(home, n, values.seed);
  else if (!fs.existsSync(marker)) await ensureHome(home, n, values.seed);

  const rows = [];
  for (const mode of modes) {
    if (mode === 'cold') {
      // Cold = no previous output and no cache (the bench's builds have a cache of their own).
      fs.rmSync(site, { recursive: true, force: true });
      fs.rmSync(path.join(base, 'cache'), { recursive: true, force: true });
    } else if (!fs.existsSync(site)) {
      console.log(`No previous build in ${path.relative(ROOT, site)}: running an unmeasured warm-up build …`);
      const warmup = await runBuild(home, site, path.join(logs, `warmup.log`), Number(values.timeout));
      if (warmup.status !== 'ok') console.error(`  warm-up build failed (${warmup.status}; see ${warmup.log}): ${mode} starts without a previous site.`);
    }
    let changed = null;
    if (mode === 'onechanged') {
      changed = appendToSession(home, firstRollout(home), `${values.seed}:${Date.now()}`, { at: appendAt });
      const info = JSON.parse(fs.readFileSync(marker, 'utf8'));
      fs.writeFileSync(marker, JSON.stringify({ ...info, appended: true }, null, 2));
    }
    const inputBytes = listRollouts(home).reduce((s, f) => s + fs.statSync(f).size, 0);
    console.log(`${mode}: building ${n} sessions (${fmtMB(inputBytes)} MB)${changed ? `, one turn appended (${appendAt}) to ${changed.relPath}` : ''} …`);
    const startedAt = Date.now();
    const build = await runBuild(home, site, path.join(logs, `${mode}.log`), Number(values.timeout));
    if (build.status !== 'ok') console.error(`  ${mode}: the build failed (${build.status}); see ${build.log}. Its time and memory are still reported.`);
    const report = readPhases(home, startedAt, path.join(logs, `${mode}.log`));
    // A failed build leaves the previous site in place: do not report that one's size.
    const out = build.status === 'ok' ? outputStats(site) : { bytes: 0, files: 0, largest: { bytes: 0, file: null } };
    // The floor: read + JSON.parse of the same input, in this process.
    const t0 = performance.now();
    await floorRead(listRollouts(home));
    const floorS = (performance.now() - t0) / 1000;
    rows.push({ mode, n, inputBytes, build, report, out, floorS });
  }
  if (!values.keep) fs.rmSync(site, { recursive: true, force: true });

  const failed = rows.filter((r) => r.build.status !== 'ok');
  const phaseKeys = [...new Set(rows.flatMap((r) => Object.keys(r.report.phases ?? {})))];
  const head = ['mode', 'status', 'N', 'input MB', 'total s', 'CPU s', 'cores', ...phaseKeys.map((k) => `${k} s`), 'peak RSS MiB', 'output MB', 'largest HTML KB', 'floor s', 'floor MB/s', 'total/floor'];
  const body = rows.map((r) => [
    r.mode,
    r.build.status,
    r.n,
    fmtMB(r.inputBytes),
    r.build.seconds.toFixed(1),
    r.build.cpuSeconds.toFixed(1),
    (r.build.cpuSeconds / r.build.seconds).toFixed(2),
    ...phaseKeys.map((k) => fmtS(r.report.phases?.[k])),
    (r.build.peakRss / 1048576).toFixed(0),
    r.out.files ? fmtMB(r.out.bytes) : '-',
    r.out.files ? (r.out.largest.bytes / 1024).toFixed(0) : '-',
    r.floorS.toFixed(2),
    (r.inputBytes / MB / r.floorS).toFixed(0),
    `${(r.build.seconds / r.floorS).toFixed(0)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const fmtRow = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log('\n' + fmtRow(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmtRow(b));
  for (const r of failed) console.log(`${r.mode}: the build failed (${r.build.status}); see ${r.build.log}. Phase times are from its report, if it wrote one.`);
  const largest = rows.filter((r) => r.build.status === 'ok').at(-1)?.out.largest;
  if (largest?.file) console.log(`\nlargest HTML page: ${largest.file}`);
  console.log(`build logs: ${path.relative(ROOT, logs)}/`);
  if (failed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
