#!/usr/bin/env node
/**
 * Re-scans a built site for secrets that got through.
 *
 *   node scripts/verify.mjs [dist]      (Node 24: run through npm or npx)
 *
 * Prints one line per finding (file:line rule — never the value) and a one-line summary;
 * exits 1 on any finding, 2 when the folder cannot be read.
 */
import { resolve } from 'node:path';
import { verifyDirectory } from '../src/lib/redact/verify.ts';

const dir = resolve(process.argv[2] ?? 'dist');
try {
  const started = performance.now();
  const { findings, filesScanned, bytesScanned } = await verifyDirectory(dir);
  for (const f of findings) console.log(`${f.file}:${f.line} ${f.rule}`);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const summary = `verify: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${filesScanned} files (${(bytesScanned / 1e6).toFixed(1)} MB, ${secs} s) under ${dir}`;
  if (findings.length) {
    console.error(summary);
    process.exit(1);
  }
  console.log(summary);
} catch (e) {
  console.error(`verify: cannot scan ${dir}: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}
