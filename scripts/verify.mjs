#!/usr/bin/env node
/**
 * Re-scans a built site for secrets that got through.
 *
 *   node scripts/verify.mjs [dist] [--allow-email=a@x.org,@corp.dev] [--cache=file] [--threads=N] [--later=folder]   (Node 24: via npm or npx)
 *
 * `--cache` names a verdict file outside the folder: files whose exact bytes an earlier scan with
 * the same detectors and options found clean are not scanned again (npm run build passes one, to
 * which the build also adds the pages it scanned while rendering: src/integration/page-verifier.ts).
 *
 * `--threads` sets how many worker threads read, hash and scan files (0: none; default one per
 * core up to 4, none for a site of fewer than 200 files). The output is the same for any count.
 *
 * `--later=pagefind` scans everything else first and that top-level folder once a line `ready` arrives on
 * stdin (npm run build verifies the pages while the search index is still being built); stdin
 * closing without it stops the scan (exit 2).
 *
 * `--allow-email` takes the same entries as the integration's e-mail allowlist (exact
 * addresses, or `@domain`); pass the build's list so addresses it kept are not reported.
 * Prints one line per finding (file:line rule — never the value) and a one-line summary;
 * exits 1 on any finding, 2 when the folder cannot be read or an argument is unknown.
 */
import { relative, resolve } from 'node:path';
import { verifyDirectory } from '../src/lib/redact/verify.ts';

const args = process.argv.slice(2);
const emailAllowlist = [];
/** @type {string | undefined} */
let cacheFile;
/** @type {number | undefined} */
let threads;
/** @type {string | undefined} */
let later;
const usage = 'Usage: node scripts/verify.mjs [dist] [--allow-email=a@x.org,@corp.dev] [--cache=file] [--threads=N] [--later=folder]';
let dirArg;
for (const a of args) {
  if (a.startsWith('--allow-email=')) emailAllowlist.push(...a.slice('--allow-email='.length).split(',').filter(Boolean));
  else if (a.startsWith('--cache=')) cacheFile = resolve(a.slice('--cache='.length));
  else if (a.startsWith('--threads=') && /^\d+$/.test(a.slice('--threads='.length))) threads = Number(a.slice('--threads='.length));
  else if (/^--later=[^/\\.][^/\\]*$/.test(a)) later = a.slice('--later='.length);
  else if (a.startsWith('-')) {
    console.error(`verify: unknown option ${a}. ${usage}`);
    process.exit(2);
  } else dirArg = a;
}
const dir = resolve(dirArg ?? 'dist');
/** True once a line `ready` arrives on stdin; false if stdin closes first. */
function readyLine() {
  return new Promise((resolve) => {
    let buffered = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      buffered += chunk;
      if (buffered.split('\n').some((line) => line.trim() === 'ready')) {
        process.stdin.pause();
        process.stdin.unref?.();
        resolve(true);
      }
    });
    process.stdin.on('end', () => resolve(false));
    process.stdin.on('error', () => resolve(false));
  });
}

try {
  const started = performance.now();
  if (cacheFile && !relative(dir, cacheFile).startsWith('..')) {
    console.error(`verify: the cache file must be outside the scanned folder (${cacheFile}).`);
    process.exit(2);
  }
  const { findings, filesScanned, bytesScanned, filesReused, filesKnown } = await verifyDirectory(dir, {
    emailAllowlist,
    ...(cacheFile ? { cacheFile } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(later ? { later: { folder: later, ready: readyLine() } } : {}),
  });
  for (const f of findings) console.log(`${f.file}:${f.line} ${f.rule}`);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const reused = filesReused ? ` (+${filesReused} unchanged files found clean before)${filesKnown ? ` (${filesKnown} of them known files, not read)` : ''}` : '';
  const summary = `verify: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${filesScanned} files (${(bytesScanned / 1e6).toFixed(1)} MB, ${secs} s)${reused} under ${dir}`;
  if (findings.length) {
    console.error(summary);
    process.exit(1);
  }
  console.log(summary);
} catch (e) {
  console.error(`verify: cannot scan ${dir}: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}
