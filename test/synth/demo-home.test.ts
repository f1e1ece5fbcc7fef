/**
 * The demo home is what people see first and what the browser tests drive, so it must stay
 * exactly what its script writes, clean, small, consistent in ids and times, and documented.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { buildDemoHome, PLANTED_WORD } from '../../scripts/synth/demo-home.mjs';

const ROOT = path.resolve(import.meta.dirname, '../../fixtures/demo-home');

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

describe('demo home', () => {
  const built = buildDemoHome();
  const onDisk = listFiles(ROOT).filter((f) => f !== 'README.md');

  it('is exactly what scripts/synth/demo-home.mjs writes', () => {
    expect(onDisk).toEqual(built.map((f) => f.relPath).sort());
    for (const f of built) expect(fs.readFileSync(path.join(ROOT, f.relPath), 'utf8'), f.relPath).toBe(f.text);
  });

  it('is clean and small: every line valid JSON, every file under 60 KB', () => {
    for (const rel of onDisk) {
      const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
      expect(Buffer.byteLength(text), rel).toBeLessThan(60 * 1024);
      if (rel.endsWith('.json')) {
        expect(() => JSON.parse(text)).not.toThrow();
        continue;
      }
      expect(text.endsWith('\n')).toBe(true);
      for (const line of text.slice(0, -1).split('\n')) expect(() => JSON.parse(line), `${rel}: ${line.slice(0, 80)}`).not.toThrow();
    }
  });

  it('has consistent ids and times from generation 2 on, and contiguous ordinals when paginated', () => {
    const rollouts = onDisk.filter((f) => /\/\d{4}\/\d{2}\/\d{2}\/|archived_sessions\//.test(f));
    expect(rollouts.length).toBeGreaterThanOrEqual(8);
    for (const rel of rollouts) {
      const lines = fs.readFileSync(path.join(ROOT, rel), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
      const meta = lines[0].payload;
      const name = path.basename(rel);
      expect(name).toBe(`rollout-${meta.timestamp.slice(0, 19).replaceAll(':', '-')}-${meta.id}.jsonl`);
      const idMs = parseInt(meta.id.replaceAll('-', '').slice(0, 12), 16);
      expect(new Date(idMs).toISOString()).toBe(meta.timestamp);
      if (!rel.startsWith('archived_sessions/')) expect(rel.slice(9, 19)).toBe(meta.timestamp.slice(0, 10).replaceAll('-', '/'));
      let prev = '';
      lines.forEach((rec, i) => {
        expect(rec.timestamp >= prev, `${rel}:${i + 1}`).toBe(true);
        prev = rec.timestamp;
        if (meta.history_mode === 'paginated') expect(rec.ordinal).toBe(i);
      });
    }
  });

  it('spans 2 years, 3 months, 4 days and 3 projects, with one archived file and one named thread', () => {
    const days = new Set(onDisk.map((f) => f.match(/^sessions\/(\d{4}\/\d{2}\/\d{2})\//)?.[1]).filter(Boolean));
    expect(days.size).toBeGreaterThanOrEqual(4);
    expect(new Set([...days].map((d) => d!.slice(0, 4))).size).toBeGreaterThanOrEqual(1);
    const stamps = onDisk.map((f) => f.match(/rollout-(\d{4})-(\d{2})/)).filter(Boolean);
    expect(new Set(stamps.map((m) => m![1])).size).toBeGreaterThanOrEqual(2);
    expect(new Set(stamps.map((m) => m![1]! + m![2]!)).size).toBeGreaterThanOrEqual(3);
    const repos = new Set<string>();
    for (const rel of onDisk.filter((f) => f.endsWith('.jsonl') && f.includes('rollout-'))) {
      const first = JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8').split('\n', 1)[0]!);
      const url = first.payload?.git?.repository_url;
      if (url) repos.add(url);
    }
    expect(repos.size).toBe(3);
    expect(onDisk.filter((f) => f.startsWith('archived_sessions/'))).toHaveLength(1);
    expect(fs.readFileSync(path.join(ROOT, 'session_index.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('plants the search word exactly once', () => {
    let hits = 0;
    for (const rel of onDisk) hits += fs.readFileSync(path.join(ROOT, rel), 'utf8').split(PLANTED_WORD).length - 1;
    expect(hits).toBe(1);
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(PLANTED_WORD);
  });

  it('lists every file in its README', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const rel of onDisk) expect(readme, rel).toContain(`\`${rel}\``);
  });
});
