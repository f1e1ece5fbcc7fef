/**
 * One real build of the demo home: a page per session, date and project pages, the search
 * files, nothing oversized, the report beside (never inside) the output, and only relative links.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoBuild, demoHome, type DemoBuild } from './build-once.ts';
import { readOfflineIndex } from './offline-files.ts';

let build: DemoBuild;
let report: Record<string, any>;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

beforeAll(async () => {
  build = await demoBuild();
  report = JSON.parse(readFileSync(build.report, 'utf8'));
}, 300_000);

/** Session ids of the demo home, from the file names (the last UUID). */
function demoIds(): string[] {
  return walk(demoHome)
    .map((f) => /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl?$/.exec(f)?.[1])
    .filter((id): id is string => Boolean(id));
}

describe('demo build', () => {
  it('writes one page per session', () => {
    const ids = demoIds();
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const id of ids) expect(existsSync(path.join(build.dist, 's', id, 'index.html')), id).toBe(true);
    expect(readdirSync(path.join(build.dist, 's'))).toHaveLength(ids.length);
    expect(report.sessions).toBe(ids.length);
  });

  it('writes date pages and project pages', () => {
    for (const p of ['2025/index.html', '2025/12/index.html', '2025/12/02/index.html', '2026/05/12/index.html', 'projects/index.html', 'search/index.html', 'index.html']) {
      expect(existsSync(path.join(build.dist, p)), p).toBe(true);
    }
    const projects = readdirSync(path.join(build.dist, 'projects'), { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(projects.map((p) => p.name).sort()).toEqual([
      expect.stringMatching(/^github-com-lumen-labs-tidewater-/),
      expect.stringMatching(/^github-com-maya-okafor-quillpad-/),
      expect.stringMatching(/^gitlab-com-maya-okafor-orbit-sim-/),
    ]);
  });

  it('keeps every HTML page under 2 MB and writes the search files', () => {
    for (const file of walk(build.dist).filter((f) => f.endsWith('.html'))) {
      expect(statSync(file).size, file).toBeLessThan(2 * 1024 * 1024);
    }
    expect(existsSync(path.join(build.dist, 'pagefind', 'pagefind.js'))).toBe(true);
    const offline = readOfflineIndex(build.dist);
    expect(offline.parts.length).toBeGreaterThan(0);
    expect(offline.entries.length).toBe(walk(path.join(build.dist, 's')).filter((f) => f.endsWith('index.html')).length);
    expect(offline.entries.some((e) => e.text.split(' ').includes('zanzibarquokka'))).toBe(true);
  });

  it('publishes nothing of the middle of a long output that its page leaves out, index included', () => {
    // Planted on line 212 of the demo's 403-line pytest output (fixtures/demo-home/README.md).
    for (const file of walk(build.dist)) expect(readFileSync(file).includes('fennecpangolin'), file).toBe(false);
    expect(readFileSync(path.join(demoHome, 'sessions/2025/12/02/rollout-2025-12-02T10-31-17-019ade9d-d532-74ac-91e1-42026f987f4c.jsonl')).includes('fennecpangolin')).toBe(true);
  });

  it('moves inline images to files', () => {
    expect(readdirSync(path.join(build.dist, '_assets', 'img')).some((f) => /^[0-9a-f]{64}\.png$/.test(f))).toBe(true);
    expect(walk(build.dist).some((f) => f.includes(`${path.sep}data:`))).toBe(false);
    for (const file of walk(build.dist).filter((f) => f.endsWith('.html'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/src="data:/);
    }
  });

  it('writes the report beside the output, never inside it', () => {
    expect(path.relative(build.dist, build.report).startsWith('..')).toBe(true);
    expect(walk(build.dist).some((f) => f.endsWith('report.json'))).toBe(false);
    expect(report).toMatchObject({ redacted: true, skippedLines: 0, sources: [{ path: demoHome, origin: 'CODEX_HOME' }] });
    expect(report.reader.unknownKindsByVersion).toEqual({ '0.130.0': { 'response_item/render_preview': 1, workspace_snapshot: 1 } });
    expect(Object.keys(report.timingsMs)).toEqual(expect.arrayContaining(['render', 'pagefind']));
  });

  it('uses only relative internal links, with the CSP and robots meta on every page', () => {
    for (const file of walk(build.dist).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(file, 'utf8');
      expect(html, file).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; script-src \'self\' \'wasm-unsafe-eval\'; style-src \'self\'');
      expect(html, file).toContain('<meta name="robots" content="noindex, nofollow">');
      const links = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
      for (const link of links) {
        if (/^(https?:|#|mailto:)/.test(link) || link === '') continue;
        expect(link.startsWith('/'), `${file}: ${link}`).toBe(false);
        const target = path.resolve(path.dirname(file), decodeURI(link.split('#')[0]!));
        expect(existsSync(target), `${file}: ${link}`).toBe(true);
      }
      expect(html, file).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, file).not.toMatch(/<style[\s>]/);
    }
  });

  it('marks only session transcripts for search', () => {
    const pages = walk(build.dist).filter((f) => f.endsWith('.html'));
    const withBody = pages.filter((f) => readFileSync(f, 'utf8').includes('data-pagefind-body'));
    expect(withBody.every((f) => f.includes(`${path.sep}s${path.sep}`))).toBe(true);
    expect(withBody).toHaveLength(readdirSync(path.join(build.dist, 's')).length);
  });
});
