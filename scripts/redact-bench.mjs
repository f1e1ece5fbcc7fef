#!/usr/bin/env node
/**
 * Redaction benchmark (a script, not a test: numbers depend on the machine).
 *
 *   npx node scripts/redact-bench.mjs [MB]
 *
 * 1. Throughput on realistic session text: the strings of the fixture rollouts plus source and
 *    documentation files from node_modules (code, JSON, prose: full of `token`, `key`, `auth`),
 *    fed to `redact` in pieces the size transcripts have (a few bytes to ~64 KB).
 * 2. Every rule alone on each hostile 1 MB line; prints the slowest rule per line.
 * Needs Node 24 (it imports TypeScript): run it through npx or an npm script.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createDetectors, createRedactorSync } from '../src/lib/redact/index.ts';
import { hostileLines } from '../test/redact/hostile.ts';

const targetMB = Number(process.argv[2] ?? 20);
const root = new URL('..', import.meta.url).pathname;

/** Realistic pieces: fixture strings and text files from node_modules, cut like transcript fields. */
export function realisticPieces(targetBytes) {
  const pieces = [];
  let size = 0;
  const add = (s) => {
    pieces.push(s);
    size += s.length;
  };
  const walk = (dir, depth, out) => {
    if (depth > 6 || out.length > 4000) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory() && !st.isSymbolicLink()) walk(p, depth + 1, out);
      else if (/\.(?:js|ts|md|json|css|html)$/.test(name) && st.size < 200_000) out.push(p);
    }
  };
  const fixtureStrings = [];
  const collect = (v) => {
    if (typeof v === 'string') fixtureStrings.push(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
  };
  const files = [];
  walk(join(root, 'fixtures'), 0, files);
  for (const f of files.filter((f) => f.endsWith('.jsonl') || f.endsWith('.json'))) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      try {
        collect(JSON.parse(line));
      } catch {}
    }
  }
  const texts = [];
  walk(join(root, 'node_modules', 'astro', 'dist'), 0, texts);
  walk(join(root, 'node_modules', 'zod'), 0, texts);
  let k = 0;
  while (size < targetBytes) {
    if (k % 3 === 0 && fixtureStrings.length) for (const s of fixtureStrings) add(s);
    const text = readFileSync(texts[k % texts.length], 'utf8');
    for (let i = 0; i < text.length; i += 64_000) add(text.slice(i, i + 64_000));
    k++;
  }
  return pieces;
}

const pieces = realisticPieces(targetMB * 1e6);
const bytes = pieces.reduce((n, s) => n + s.length, 0);
const redactor = createRedactorSync({ homeDir: '/home/alice', userName: 'alice' });
redactor.redact(pieces[0]); // warm up the regex compiler
// CPU time, not wall time: the machine is shared, and other builds' load is not ours.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const w0 = performance.now();
const t0 = cpu();
for (const p of pieces) redactor.redact(p);
const secs = (cpu() - t0) / 1000;
const wall = (performance.now() - w0) / 1000;
const hits = [...redactor.hits.values()].reduce((a, b) => a + b, 0);
console.log(`throughput: ${(bytes / 1e6 / secs).toFixed(1)} MB/s (${(bytes / 1e6).toFixed(1)} MB in ${pieces.length} pieces, ${secs.toFixed(2)} s CPU, ${wall.toFixed(2)} s wall, ${hits} replacements)`);

const detectors = createDetectors({ homeDir: '/home/alice', userName: 'alice' });
const all = [...detectors.ruleIds.secretlint, ...detectors.ruleIds.gitleaks, ...detectors.ruleIds.own];
let worst = { ms: 0, rule: '', line: '' };
for (const [name, line] of Object.entries(hostileLines())) {
  let slow = { ms: 0, rule: '' };
  const t = cpu();
  for (const rule of all) {
    const s = cpu();
    detectors.findWithRule(line, rule);
    const ms = cpu() - s;
    if (ms > slow.ms) slow = { ms, rule };
  }
  const f0 = cpu();
  redactor.redact(line);
  const full = cpu() - f0;
  console.log(`hostile ${name.padEnd(16)} redact ${full.toFixed(0).padStart(5)} ms; every rule alone ${(cpu() - t).toFixed(0).padStart(6)} ms in all, slowest ${slow.rule} ${slow.ms.toFixed(0)} ms`);
  if (slow.ms > worst.ms) worst = { ...slow, line: name };
}
console.log(`worst hostile line: ${worst.rule} on ${worst.line}, ${worst.ms.toFixed(0)} ms`);
