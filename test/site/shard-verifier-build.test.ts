/**
 * A build too large for the verifier to run beside the search index (over 200 session pages
 * rendered, scripts/build.mjs): the search job verifies each shard it writes
 * (src/integration/shard-verifier.ts), and the final pass only hashes what it found clean.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHome } from '../../scripts/synth/generate.mjs';
import { runBuildScript } from './build-once.ts';

let dir: string;
let output: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-shard-verifier-'));
  const home = path.join(dir, 'home');
  await generateHome({ out: home, sessions: 210, seed: 'shard-verifier' });
  output = await runBuildScript(['--out', path.join(dir, 'dist'), '--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache')], path.join(dir, 'build.log'), home);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('verifying search shards while the index is built', () => {
  it('leaves the final pass only the files neither verifier saw', () => {
    const pages = Number(/Verified while rendering: (\d+) of \d+ pages clean/.exec(output)?.[1]);
    const shards = /Verified while indexing: (\d+) search files clean \([\d.]+ MB\), 0 with findings, (\d+) left to the final check/.exec(output);
    expect(shards, output).not.toBeNull();
    const [clean, left] = [Number(shards![1]), Number(shards![2])];
    expect(clean).toBeGreaterThan(210); // a fragment per session page, and each shard's index files
    // The final pass started after the index, and found every verdict the two verifiers made.
    expect(output).not.toMatch(/Verifying the output \(scripts\/verify\.mjs\) while/);
    const verify = /verify: 0 findings in (\d+) files \([^)]*\) \(\+(\d+) unchanged files found clean before\)/.exec(output);
    expect(verify, output).not.toBeNull();
    const [scanned, reused] = [Number(verify![1]), Number(verify![2])];
    // Each verdict is used (and files of the same bytes, such as every shard's pagefind.js, too).
    expect(reused).toBeGreaterThanOrEqual(pages + clean);
    // What is left: the index pages' neighbours (offline index, scripts, shards.json) and the
    // files the shard verifier had not reached when the last shard was written.
    expect(scanned, output).toBeLessThan(clean / 4);
    expect(left).toBeLessThan(clean / 4);
  });
});
