/**
 * The synthetic-home generator is what every benchmark stands on, so it must be deterministic
 * (same seed, same bytes), well-formed (every line a JSON envelope), and shaped as documented
 * (record counts, sizes, dates, projects).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateHome, planSession, appendToSession, firstRollout } from '../../scripts/synth/generate.mjs';

const SEED = 'vitest-seed';

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

describe('synthetic home generator', () => {
  let a: string;
  let b: string;

  beforeAll(async () => {
    a = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-a-'));
    b = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-b-'));
    await generateHome({ out: a, sessions: 50, seed: SEED });
    await generateHome({ out: b, sessions: 50, seed: SEED });
  });

  afterAll(() => {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  });

  it('writes byte-identical homes for the same seed', () => {
    const fa = listFiles(a);
    expect(fa).toEqual(listFiles(b));
    expect(fa.filter((f) => f.includes('rollout-'))).toHaveLength(50);
    for (const f of fa) expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
  });

  it('writes a different home for another seed', async () => {
    const c = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-c-'));
    try {
      await generateHome({ out: c, sessions: 5, seed: 'other' });
      expect(listFiles(c)).not.toEqual(listFiles(a).slice(0, listFiles(c).length));
    } finally {
      fs.rmSync(c, { recursive: true, force: true });
    }
  });

  it('writes only valid envelope lines, with consistent ids, names and ordinals', () => {
    const rollouts = listFiles(a).filter((f) => f.endsWith('.jsonl') && path.basename(f).startsWith('rollout-'));
    for (const rel of rollouts) {
      expect(rel).toMatch(/^(sessions\/\d{4}\/\d{2}\/\d{2}|archived_sessions)\/rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.jsonl$/);
      const text = fs.readFileSync(path.join(a, rel), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      const first = JSON.parse(lines[0]!);
      expect(first.type).toBe('session_meta');
      const id: string = first.payload.id;
      expect(rel).toContain(id);
      // UUIDv7: the first 48 bits are the creation time, which matches the file-name time.
      const idMs = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
      expect(Math.abs(idMs - Date.parse(first.payload.timestamp))).toBeLessThan(1000);
      expect(new Date(idMs).toISOString().slice(0, 19).replaceAll(':', '-')).toBe(path.basename(rel).slice(8, 27));
      const paginated = first.payload.history_mode === 'paginated';
      let prev = '';
      lines.forEach((line, i) => {
        const rec = JSON.parse(line);
        expect(typeof rec.timestamp).toBe('string');
        expect(typeof rec.type).toBe('string');
        expect(typeof rec.payload).toBe('object');
        expect(rec.timestamp >= prev).toBe(true);
        prev = rec.timestamp;
        if (paginated) expect(rec.ordinal).toBe(i);
        else expect(rec.ordinal).toBeUndefined();
      });
    }
    for (const line of fs.readFileSync(path.join(a, 'session_index.jsonl'), 'utf8').split('\n').filter(Boolean)) {
      expect(Object.keys(JSON.parse(line))).toEqual(['id', 'thread_name', 'updated_at']);
    }
  });

  it('has the documented record-count and size distribution', () => {
    const rollouts = listFiles(a).filter((f) => path.basename(f).startsWith('rollout-'));
    const counts = rollouts.map((f) => fs.readFileSync(path.join(a, f), 'utf8').split('\n').length - 1).sort((x, y) => x - y);
    const median = counts[Math.floor(counts.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(40);
    expect(median).toBeLessThanOrEqual(90);
    // The rare classes need a bigger sample than 50 files: the plan is cheap to draw.
    const n = 20000;
    let long = 0, big = 0, archived = 0, paginated = 0;
    const projects = new Set<string>();
    const months = new Set<string>();
    for (let i = 0; i < n; i++) {
      const p = planSession(SEED, i);
      if (p.targetRecords >= 2000) long++;
      if (p.bigOutput) big++;
      if (p.archived) archived++;
      if (p.generation === 3) paginated++;
      projects.add(p.project!.name);
      months.add(new Date(p.ms).toISOString().slice(0, 7));
    }
    expect(long / n).toBeGreaterThan(0.007);
    expect(long / n).toBeLessThan(0.013);
    expect(big / n).toBeGreaterThan(0.003);
    expect(big / n).toBeLessThan(0.007);
    expect(archived / n).toBeGreaterThan(0.02);
    expect(paginated / n).toBeGreaterThan(0.1);
    expect(projects.size).toBe(40);
    expect(months.size).toBeGreaterThanOrEqual(18);
  });

  const paginatedRollout = () =>
    listFiles(a).find((f) => f.includes('rollout-') && fs.readFileSync(path.join(a, f), 'utf8').split('\n', 1)[0]!.includes('"history_mode":"paginated"'))!;

  const NOW = Date.UTC(2027, 0, 5, 9, 30);

  it.each([
    ['legacy', 'continue', () => firstRollout(a)!],
    ['paginated', 'continue', paginatedRollout],
    ['legacy', 'resume', () => firstRollout(a)!],
    ['paginated', 'resume', paginatedRollout],
  ] as const)('appends one turn to a %s file (%s), continuing the ordinals and token totals', (_kind, at, pick) => {
    const rel = pick();
    const file = path.join(a, rel);
    const before = fs.readFileSync(file, 'utf8');
    const r = appendToSession(a, rel, SEED, { at, now: NOW });
    const after = fs.readFileSync(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(r.appendedBytes).toBe(Buffer.byteLength(after) - Buffer.byteLength(before));
    const oldLines = before.slice(0, -1).split('\n').map((l) => JSON.parse(l));
    const newLines = after.slice(before.length, -1).split('\n').map((l) => JSON.parse(l));
    expect(newLines).toHaveLength(r.appendedRecords);
    expect(newLines[0].payload.type).toBe('task_started');
    expect(newLines.at(-1).payload.type).toBe('task_complete');
    expect(newLines[0].timestamp > oldLines.at(-1).timestamp).toBe(true);
    // Resumed: stamped now, as Codex does; continued: within half an hour of the last record.
    if (at === 'resume') expect(newLines[0].timestamp).toBe(new Date(NOW).toISOString());
    else expect(Date.parse(newLines[0].timestamp) - Date.parse(oldLines.at(-1).timestamp)).toBeLessThanOrEqual(1_800_000);
    if (oldLines[0].payload.history_mode === 'paginated') expect(newLines[0].ordinal).toBe(oldLines.length);
    const lastTotal = (lines: any[]) => lines.filter((l) => l.payload?.type === 'token_count').at(-1).payload.info.total_token_usage.total_tokens;
    expect(lastTotal(newLines)).toBeGreaterThan(lastTotal(oldLines));
  });
});
