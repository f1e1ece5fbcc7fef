#!/usr/bin/env node
/**
 * `npm run build`: builds the archive into a temporary folder beside the output folder, checks
 * it (scripts/verify.mjs, when present), then swaps it in: rename the old site away, rename the
 * new one in, delete the old one. An interrupted or failed build leaves the last good site.
 *
 * Usage: node scripts/build.mjs [--out dist] [--base /repo/] [--report file] [--cache-dir dir]
 *   --report     where report.json goes (default .codex-archive/report.json; never inside --out)
 *   --cache-dir  Astro's cache (content store); give separate builds separate caches
 *   --config     another Astro config file (default astro.config.mjs)
 * Sources come from astro.config.mjs / CODEX_ARCHIVE_SOURCES / CODEX_HOME / ~/.codex (else the demo).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkOutputFolder } from '../src/integration/utils/output-safety.ts';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const started = performance.now();
/** @type {Record<string, number>} */
const phases = {};

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
    help: { type: 'boolean' },
  },
});
if (args.help) {
  console.log('Usage: npm run build [-- --out <folder>] [--base /<repo>/] [--report <file>] [--cache-dir <folder>] [--config <file>]');
  process.exit(0);
}

const out = path.resolve(root, args.out);
const parent = path.dirname(out);
const name = path.basename(out);
const tmp = path.join(parent, `.${name}.building-${process.pid}`);
const old = path.join(parent, `.${name}.old-${process.pid}`);

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

// Leftovers of interrupted builds (only our own, by name).
for (const entry of await readdir(parent).catch(() => [])) {
  if (entry.startsWith(`.${name}.building-`) || entry.startsWith(`.${name}.old-`)) {
    await rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

let interrupted = false;
const cleanUp = async () => {
  await rm(tmp, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nInterrupted: ${out} is unchanged.`);
    cleanUp().finally(() => process.exit(130));
  });
}

process.env.ASTRO_TELEMETRY_DISABLED = '1';
const reportFile = path.resolve(root, args.report ?? path.join('.codex-archive', 'report.json'));
process.env.CODEX_ARCHIVE_REPORT = reportFile;
// The integration checks this folder against the sources it resolves (astro.config.mjs may name
// sources we do not know here) and stops before Astro writes anything.
process.env.CODEX_ARCHIVE_OUT = out;
if (!path.relative(out, reportFile).startsWith('..')) {
  fail(`Refusing to write the report inside the output folder (${reportFile}): it names local files. Choose another --report.`);
}
console.log(`Building into ${path.relative(root, tmp) || tmp} …`);
let t = performance.now();
const cwd = process.cwd();
const scratch = path.join(root, 'node_modules', '.codex-archive-build', String(process.pid));
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
  await cleanUp();
  const e = /** @type {Error} */ (error);
  const message = e?.name === 'CodexArchiveConfigError' || e?.name === 'SourceNotFoundError' ? e.message : (e?.stack ?? String(e));
  fail(`Build failed; ${out} is unchanged.\n${message}`);
}
process.chdir(cwd);
await rm(scratch, { recursive: true, force: true });
phases.build = performance.now() - t;

const report = JSON.parse(await readFile(reportFile, 'utf8'));
// Now that the integration has resolved the real sources, check the output folder against them
// (again: the integration refuses first), removing the unused build when it is refused.
if (checkOutputFolder({ out, projectRoot: root, home: homedir(), sources: report.sources.map((s) => s.path) }).length) await cleanUp();
refuseUnsafe(out, report.sources.map((s) => s.path));

const verifier = path.join(root, 'scripts', 'verify.mjs');
if (report.redacted === false) {
  console.log('\n!!! redact: false — the output was NOT re-scanned for secrets. Do not publish it.');
} else if (existsSync(verifier)) {
  t = performance.now();
  console.log('\nVerifying the output (scripts/verify.mjs) …');
  const allow = report.emailAllowlist?.length ? [`--allow-email=${report.emailAllowlist.join(',')}`] : [];
  // Verdicts of earlier runs (never in the output): files whose exact bytes were found clean by
  // the same detectors are not scanned again.
  const cache = report.cacheDir ? [`--cache=${path.join(report.cacheDir, 'codex-archive', 'verified.json')}`] : [];
  const run = spawnSync(process.execPath, [verifier, tmp, ...allow, ...cache], { cwd: root, stdio: 'inherit', env: process.env });
  phases.verify = performance.now() - t;
  if (run.status !== 0) {
    await cleanUp();
    fail(`The verifier found problems (exit ${run.status}); the new build was discarded and ${out} is unchanged.`);
  }
} else {
  console.log('\n(scripts/verify.mjs not present: output not re-scanned.)');
}

t = performance.now();
if (existsSync(out)) await rename(out, old);
await rename(tmp, out);
await rm(old, { recursive: true, force: true });
phases.swap = performance.now() - t;

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
  time           ${Object.entries(timings).map(([k, v]) => `${k} ${seconds(v)}`).join(', ')}
  report         ${path.relative(process.cwd(), reportFile)}
Open ${path.join(path.relative(process.cwd(), out) || out, 'index.html')} in a browser, or run npm run preview.`);
