/**
 * An output-heavy session (40 commands of 200 KB output each, one inline image) built for real,
 * twice: by default each output's head and tail are published with a note naming what was left
 * out and where it is; with `outputChars: 'all'` the page stays under 2 MB and every cut output
 * is linked whole as a .txt file. The image is a content-addressed file. Also the per-output cap
 * arithmetic.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputCap, PAGE_OUTPUT_BUDGET, TRIMMED_PAGE_BUDGET } from '../../src/integration/site/output-budget.ts';
import { runBuildScript, writeTestConfig } from './build-once.ts';

const ID = '019b0000-0000-7000-8000-00000000beef';
// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
let dir: string;
let dist: string;
let distAll: string;
let configFile: string;

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
  configFile = await writeTestConfig(`large-${process.pid}`, `{ sources: [${JSON.stringify(path.join(dir, 'home'))}], outputChars: 'all' }`);
  distAll = path.join(dir, 'dist-all');
  await runBuildScript(
    ['--out', distAll, '--report', path.join(dir, 'report-all.json'), '--cache-dir', path.join(dir, 'cache-all'), '--config', configFile],
    path.join(dir, 'build-all.log'),
  );
}, 300_000);

afterAll(async () => {
  await rm(configFile, { force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('an output-heavy session', () => {
  it('publishes the head and tail of each output and says what it left out', () => {
    const page = path.join(dist, 's', ID, 'index.html');
    const html = readFileSync(page, 'utf8');
    expect(statSync(page).size).toBeLessThan(400 * 1024);
    expect(existsSync(path.join(dist, '_assets', 'out'))).toBe(false);
    const notes = [...html.matchAll(/<span class="output-gap"[^>]*>\[… ([\d,]+) characters, ([\d,]+) lines not published here; they are in the rollout file, in this item's records from its line (\d+) …\]<\/span>/g)];
    expect(notes).toHaveLength(40);
    for (const [i, note] of notes.entries()) {
      // Command i is on rollout line 3 + 2i, its output on the next; about 4,000 of its ~196,000 characters are published.
      expect(note[3]).toBe(String(3 + 2 * i));
      expect(Number(note[1]!.replace(/,/g, ''))).toBeGreaterThan(190_000);
      expect(html).toContain(`job ${i} line 0: `);
      expect(html).toContain(`job ${i} line 3999: `);
      expect(html).not.toContain(`job ${i} line 2000: `);
    }
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report.trimmedOutputs.outputs).toBe(40);
    expect(report.trimmedOutputs.chars).toBe(notes.reduce((sum, n) => sum + Number(n[1]!.replace(/,/g, '')), 0));
  });

  it("with outputChars 'all', stays under 2 MB and links every cut output in full", () => {
    const page = path.join(distAll, 's', ID, 'index.html');
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
    // Trimmed pages: 100 long outputs share 200,000 characters; never under the given floor.
    expect(outputCap(Array(100).fill(50_000), TRIMMED_PAGE_BUDGET, 4_000, 1_000)).toBe(2_000);
    expect(outputCap(Array(1_000).fill(50_000), TRIMMED_PAGE_BUDGET, 4_000, 1_000)).toBe(1_000);
  });
});
