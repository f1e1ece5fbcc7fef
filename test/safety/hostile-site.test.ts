/**
 * The hostile home (hostile-home.ts), built with the real build, read back by PARSING every page:
 * no script but ours, no event handler, no dangerous scheme, no element that loads or submits
 * anything from content, no style attribute; content links carry rel="… nofollow ugc"; bidi and
 * control characters are shown, not obeyed; no planted secret (nor 8 characters of one) in any
 * file, compressed or not, or in any file name; excluded sessions leave no trace; the source
 * is not touched; nothing is written outside the output folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../site/build-once.ts';
import { readOfflineIndex } from '../site/offline-files.ts';
import { leaks } from '../redact/fake.ts';
import { fingerprint, hostileBuild, textOf, walk, type HostileBuild } from './hostile-build.ts';
import { NEVER_WORDS } from './hostile-home.ts';

let b: HostileBuild;
let files: string[];
let htmlFiles: string[];

beforeAll(async () => {
  b = await hostileBuild();
  files = walk(b.dist).filter((f) => lstatSync(f).isFile());
  htmlFiles = files.filter((f) => f.endsWith('.html'));
}, 300_000);

interface Tag {
  name: string;
  attribs: Record<string, string>;
  /** Text directly inside a <script> or <style>. */
  body: string;
}

/** Every element of a page (with script/style bodies) and every text node, entities decoded. */
function parse(html: string): { tags: Tag[]; texts: string[] } {
  const tags: Tag[] = [];
  const texts: string[] = [];
  const open: Tag[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const tag = { name, attribs, body: '' };
        tags.push(tag);
        open.push(tag);
      },
      ontext(text) {
        const top = open.at(-1);
        if (top && (top.name === 'script' || top.name === 'style')) top.body += text;
        texts.push(text);
      },
      onclosetag() {
        open.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return { tags, texts };
}

/** What a browser does to a URL attribute before reading its scheme: strip controls and whitespace. */
function scheme(value: string): string {
  const cleaned = value.replace(/[\u0000-\u0020\u007f]/g, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase() ?? '';
}

const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background', 'srcset', 'ping', 'cite', 'manifest'];
/** Elements that never come from content (the site's own chrome uses none of them either). */
/** Elements that never come from content. The site's own search uses a form with no action
 * (or `method="dialog"`), search inputs, selects and buttons; those are checked below. */
const FORBIDDEN = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'style', 'math', 'video', 'audio', 'source', 'track', 'portal', 'template', 'textarea']);
/** Bidi controls and C0/C1 controls other than tab and newlines. */
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('hostile build: every page, parsed', () => {
  it('built every hostile session to a page of its own', () => {
    const sessions = readdirSync(path.join(b.dist, 's'));
    // 4 generations, 9 hostile ids, 2 secret ids, the duplicate pair (one page), the markup-named
    // file, the fork, the compressed one; not the symlink out of the home.
    expect(sessions).toHaveLength(19);
    for (const name of sessions) expect(name, name).toMatch(/^[a-z0-9][a-z0-9_-]{0,79}$/i);
    for (const name of sessions) expect(existsSync(path.join(b.dist, 's', name, 'index.html')), name).toBe(true);
  });

  it('shows the payloads of every field as text (so the checks below are not vacuous)', () => {
    // window.__pwned=N markers: N names the field (see hostile-home.ts).
    const expected: Record<string, number[]> = {
      // prompt, markdown, ANSI/OSC 8, git commit/branch, cwd, nickname, role, model, command, local shell,
      // patch paths and diff, plan step status, MCP server, web search urls, agent message, unknown kinds, abort reason, thread name
      's/0199c001-0000-7000-8000-00000000a001/index.html': [1, 10, 21, 22, 50, 51, 52, 56, 57, 58, 60, 61, 64, 65, 66, 67, 69, 71, 72, 74, 75, 76, 77, 78, 130],
      // paginated: branch, command, file change, MCP server and tool, web search, collab nickname, image path, unknown item, thread name
      's/0199c001-0000-7000-8000-00000000a003/index.html': [1, 90, 92, 93, 94, 95, 96, 97, 98, 99, 131],
      's/5973b6c0-94b8-487b-a530-2aeb60980001/index.html': [1, 22, 100, 132],
      's/6f1c2d4e-0b6a-4c57-9a53-3b4f0e9d0001/index.html': [1, 22, 110],
      's/0199c001-0000-7000-8000-00000000a0a5/index.html': [1, 140],
      'index.html': [130, 131, 132],
    };
    for (const [rel, markers] of Object.entries(expected)) {
      const text = parse(readFileSync(path.join(b.dist, rel), 'utf8')).texts.join('');
      const shown = new Set([...text.matchAll(/__pwned=(\d+)/g)].map((m) => Number(m[1])));
      expect(markers.filter((n) => !shown.has(n)), rel).toEqual([]);
    }
  });

  it('runs no script but its own: external, under our folders, no inline body', () => {
    for (const file of htmlFiles) {
      const rel = path.relative(b.dist, file);
      for (const tag of parse(readFileSync(file, 'utf8')).tags.filter((t) => t.name === 'script')) {
        expect(tag.body.trim(), `inline script in ${rel}`).toBe('');
        const src = tag.attribs.src ?? '';
        expect(scheme(src), `${rel}: script ${src}`).toBe('');
        const target = path.resolve(path.dirname(file), src);
        expect(path.relative(b.dist, target), `${rel}: script ${src}`).toMatch(/^(ui|_astro|pagefind|_assets)\/[A-Za-z0-9._/-]+\.js$/);
        expect(existsSync(target), `${rel}: script ${src}`).toBe(true);
      }
    }
  });

  it('has no event handler, style attribute, dangerous scheme or forbidden element anywhere', () => {
    const problems: string[] = [];
    for (const file of htmlFiles) {
      const rel = path.relative(b.dist, file);
      for (const { name, attribs } of parse(readFileSync(file, 'utf8')).tags) {
        if (FORBIDDEN.has(name)) problems.push(`${rel}: <${name}>`);
        if (name === 'form' && (attribs.action !== undefined || (attribs.method ?? 'get') !== 'dialog') && attribs['data-search-form'] === undefined) problems.push(`${rel}: <form ${JSON.stringify(attribs)}>`);
        if (name === 'input' && attribs.type !== 'search') problems.push(`${rel}: <input type=${attribs.type}>`);
        if (name === 'meta' && attribs['http-equiv'] && attribs['http-equiv'].toLowerCase() !== 'content-security-policy') problems.push(`${rel}: meta http-equiv=${attribs['http-equiv']}`);
        if (name === 'link' && !['icon', 'stylesheet'].includes(attribs.rel ?? '')) problems.push(`${rel}: link rel=${attribs.rel}`);
        for (const [key, value] of Object.entries(attribs)) {
          if (/^on/i.test(key)) problems.push(`${rel}: <${name} ${key}>`);
          if (key === 'style') problems.push(`${rel}: <${name} style>`);
          if (key === 'srcdoc') problems.push(`${rel}: <${name} srcdoc>`);
          if (URL_ATTRS.includes(key) && ['javascript', 'data', 'vbscript', 'file', 'blob'].includes(scheme(value))) problems.push(`${rel}: <${name} ${key}=${value.slice(0, 40)}>`);
        }
        // Nothing is loaded from elsewhere: images and icons are our own files.
        if ((name === 'img' || name === 'link' || name === 'script') && /^[a-z][a-z0-9+.-]*:|^\/\//i.test((attribs.src ?? attribs.href ?? '').trim())) {
          problems.push(`${rel}: <${name}> loads ${attribs.src ?? attribs.href}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('marks every link that leaves the site rel="noopener noreferrer nofollow ugc"', () => {
    const problems: string[] = [];
    let external = 0;
    for (const file of htmlFiles) {
      for (const { name, attribs } of parse(readFileSync(file, 'utf8')).tags) {
        if (name !== 'a' || !attribs.href || !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(attribs.href.trim())) continue;
        external++;
        const rel = new Set((attribs.rel ?? '').split(/\s+/));
        for (const r of ['noopener', 'noreferrer', 'nofollow', 'ugc']) if (!rel.has(r)) problems.push(`${path.relative(b.dist, file)}: ${attribs.href} lacks ${r}`);
        if (!['http', 'https', 'mailto'].includes(scheme(attribs.href))) problems.push(`${path.relative(b.dist, file)}: link scheme ${attribs.href}`);
      }
    }
    expect(external).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('keeps every relative link inside the site (no root-relative, backslash or climbing links)', () => {
    const problems: string[] = [];
    for (const file of htmlFiles) {
      const rel = path.relative(b.dist, file);
      for (const { name, attribs } of parse(readFileSync(file, 'utf8')).tags) {
        for (const key of ['href', 'src']) {
          const value = attribs[key];
          if (value === undefined || scheme(value) !== '' || value.startsWith('#')) continue;
          if (/^[\s]*[/\\]|\\/.test(value)) {
            problems.push(`${rel}: <${name} ${key}=${value}>`);
            continue;
          }
          const target = path.resolve(path.dirname(file), decodeURIComponent(value.split(/[?#]/)[0]!));
          const inside = path.relative(b.dist, target);
          if (inside.startsWith('..') || path.isAbsolute(inside)) problems.push(`${rel}: <${name} ${key}=${value}> leaves the site`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('shows bidi and control characters instead of passing them to the browser', () => {
    const problems: string[] = [];
    for (const file of htmlFiles) {
      const { tags, texts } = parse(readFileSync(file, 'utf8'));
      for (const t of texts) if (INVISIBLE.test(t)) problems.push(`${path.relative(b.dist, file)}: text ${JSON.stringify(t.slice(0, 60))}`);
      for (const { name, attribs } of tags) {
        for (const [k, v] of Object.entries(attribs)) if (INVISIBLE.test(v)) problems.push(`${path.relative(b.dist, file)}: <${name} ${k}>`);
      }
    }
    // The offline search index: its titles and projects become DOM text in the results list.
    const index = readOfflineIndex(b.dist);
    expect(index.entries.length).toBeGreaterThan(10);
    for (const e of index.entries) if (INVISIBLE.test(e.title + e.project)) problems.push(`search-index.js: ${JSON.stringify(e.title)}`);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('asks search engines not to index any page', () => {
    for (const file of htmlFiles) {
      const robots = parse(readFileSync(file, 'utf8')).tags.find((t) => t.name === 'meta' && t.attribs.name === 'robots');
      expect(robots?.attribs.content ?? '', path.relative(b.dist, file)).toMatch(/\bnoindex\b/);
    }
  });
});

describe('hostile build: secrets', () => {
  it('passes the verifier (npm run verify)', () => {
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'verify.mjs'), b.dist], { cwd: projectRoot, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it('publishes no planted secret, nor 8 characters of one, in any file or file name', () => {
    expect(b.home.secrets.length).toBeGreaterThanOrEqual(17);
    const problems: string[] = [];
    const names = walk(b.dist).map((f) => path.relative(b.dist, f)).join('\n');
    const texts = files.map((f) => [path.relative(b.dist, f), textOf(f)] as const);
    // Pagefind's index and the offline index must be among them (and decompressed).
    expect(texts.some(([f]) => f.startsWith('pagefind/') && f.endsWith('.pf_fragment'))).toBe(true);
    for (const file of readOfflineIndex(b.dist).files) expect(texts.some(([f]) => f === file)).toBe(true);
    for (const s of b.home.secrets) {
      for (const piece of leaks(names.toLowerCase(), s.random.toLowerCase())) problems.push(`${s.kind} in a file name: ${piece}`);
      for (const [f, text] of texts) {
        const found = leaks(text, s.random);
        if (found.length) problems.push(`${s.kind} in ${f}`);
      }
    }
    // Nothing from credentials, configuration or files outside the home (reached by symlinks).
    for (const word of NEVER_WORDS) for (const [f, text] of texts) if (text.includes(word)) problems.push(`${word} in ${f}`);
    expect(problems).toEqual([]);
  });

  it('reports redactions per rule and per session, outside the site, without any value', () => {
    const text = readFileSync(b.report, 'utf8');
    const report = JSON.parse(text) as { redactions: Record<string, number>; redactionsBySession: Record<string, Record<string, number>> };
    const perSession = Object.values(report.redactionsBySession);
    expect(perSession.length).toBeGreaterThan(0);
    // Every session's counts add up to no more than the per-rule totals.
    for (const [rule, total] of Object.entries(report.redactions)) {
      const sum = perSession.reduce((n, counts) => n + (counts[rule] ?? 0), 0);
      expect(sum, rule).toBeLessThanOrEqual(total);
    }
    for (const s of b.home.secrets) expect(leaks(text, s.random), s.kind).toEqual([]);
  });
});

describe('hostile build: files', () => {
  it('writes every file inside the output folder, with a safe name and no link', () => {
    for (const f of walk(b.dist)) {
      const rel = path.relative(b.dist, f);
      expect(rel.startsWith('..') || path.isAbsolute(rel), rel).toBe(false);
      expect(lstatSync(f).isSymbolicLink(), rel).toBe(false);
      for (const part of rel.split(path.sep)) expect(part, rel).toMatch(/^[A-Za-z0-9_.-]{1,100}$/);
      expect(rel.split(path.sep)).not.toContain('..');
    }
  });

  it('gives session pages names that stay apart on case-insensitive file systems', () => {
    const names = readdirSync(path.join(b.dist, 's'));
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });

  it('writes nothing outside the output folder', () => {
    expect(readdirSync(b.dir).sort()).toEqual(['.done', '.lock', 'build.log', 'cache', 'codex-home', 'dist', 'outside', 'report.json']);
    for (const p of [path.join(b.dir, 'etc'), path.join(b.dir, 'x'), path.join(os.tmpdir(), 'etc'), path.join(b.dist, '..', 'x')]) expect(existsSync(p), p).toBe(false);
  });

  it('leaves the source home untouched (bytes, mode, size, mtime and atime)', () => {
    expect(fingerprint(b.home.home)).toEqual(b.before);
  });
});

describe('hostile build: exclusion', () => {
  it('leaves no id, title or word of an excluded session in any file or file name', () => {
    const needles = [...b.home.excluded.ids, ...b.home.excluded.titles, ...b.home.excluded.words, 'vandelay', 'Vandelay'];
    const problems: string[] = [];
    for (const f of walk(b.dist)) {
      const rel = path.relative(b.dist, f);
      for (const n of needles) if (rel.toLowerCase().includes(n.toLowerCase())) problems.push(`${n} in the name ${rel}`);
      if (!lstatSync(f).isFile()) continue;
      const text = textOf(f).toLowerCase();
      for (const n of needles) if (text.includes(n.toLowerCase())) problems.push(`${n} in ${rel}`);
    }
    expect(problems).toEqual([]);
  });
});
