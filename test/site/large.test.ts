/**
 * An output-heavy session (40 commands of 200 KB output each, one inline image) built for real:
 * the page stays under 2 MB, every cut output is linked whole as a .txt file, and the image is
 * a content-addressed file. Also the per-output cap arithmetic.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputCap, PAGE_OUTPUT_BUDGET } from '../../src/integration/site/output-budget.ts';
import { runBuildScript } from './build-once.ts';

const ID = '019b0000-0000-7000-8000-00000000beef';
// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
let dir: string;
let dist: string;

function line(type: string, payload: unknown, at: string): string {
  return JSON.stringify({ timestamp: at, type, payload });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-large-'));
  const day = path.join(dir, 'home', 'sessions', '2026', '01', '05');
  await mkdir(day, { recursive: true });
  const at = '2026-01-05T10:00:00.000Z';
  const lines = [
    line('session_meta', { id: ID, timestamp: at, cwd: '/work/big', originator: 'codex_cli_rs', cli_version: '0.64.0', source: 'cli' }, at),
    line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run the big job' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}` }] }, at),
  ];
  for (let i = 0; i < 40; i++) {
    const body = Array.from({ length: 4000 }, (_, n) => `job ${i} line ${n}: ${'x'.repeat(40)}`).join('\n');
    lines.push(line('response_item', { type: 'function_call', name: 'shell_command', arguments: JSON.stringify({ command: `run-job ${i}` }), call_id: `call_${i}` }, at));
    lines.push(line('response_item', { type: 'function_call_output', call_id: `call_${i}`, output: `Exit code: 0\nWall time: 1 seconds\nOutput:\n${body}` }, at));
  }
  lines.push(line('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] }, at));
  await writeFile(path.join(day, `rollout-2026-01-05T10-00-00-${ID}.jsonl`), lines.join('\n') + '\n');
  dist = path.join(dir, 'dist');
  await runBuildScript(
    ['--out', dist, '--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache')],
    path.join(dir, 'build.log'),
    path.join(dir, 'home'),
  );
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an output-heavy session', () => {
  it('stays under 2 MB and links every cut output in full', () => {
    const page = path.join(dist, 's', ID, 'index.html');
    expect(statSync(page).size).toBeLessThan(2 * 1024 * 1024);
    const html = readFileSync(page, 'utf8');
    const links = [...html.matchAll(/href="(\.\.\/\.\.\/_assets\/out\/[0-9a-f]{64}\.txt)"/g)].map((m) => m[1]!);
    expect(new Set(links).size).toBe(40);
    for (const link of links) {
      const file = path.resolve(path.dirname(page), link);
      expect(readFileSync(file, 'utf8')).toMatch(/^job \d+ line 0: x+\n[\s\S]*line 3999: x+$/);
    }
  });

  it('writes the inline image as a content-addressed file', () => {
    const images = readdirSync(path.join(dist, '_assets', 'img'));
    expect(images).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.png$/)]);
    expect(readFileSync(path.join(dist, '_assets', 'img', images[0]!))).toEqual(Buffer.from(PNG, 'base64'));
    expect(existsSync(path.join(dist, 's', ID, 'index.html'))).toBe(true);
  });
});

describe('outputCap', () => {
  it('keeps the per-output budget when the page has room', () => {
    expect(outputCap([10, 20_000, 5_000], PAGE_OUTPUT_BUDGET, 30_000)).toBe(30_000);
  });
  it('shrinks it so all outputs fit the page budget, never below 2,000', () => {
    const cap = outputCap(Array(40).fill(200_000), 600_000, 30_000);
    expect(cap).toBe(15_000);
    expect(outputCap(Array(10_000).fill(50_000), 600_000, 30_000)).toBe(2_000);
  });
});
