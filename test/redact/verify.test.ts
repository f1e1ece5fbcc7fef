import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function site(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const gh = githubFake();
const clean = '<!doctype html><p>token=[REDACTED:github-pat] and [REDACTED:private-key]</p>\n';

describe('verify', () => {
  it('finds a planted secret in HTML, by file, rule and line, without the value', async () => {
    const dir = site({ 'index.html': clean, 's/1/index.html': `<html>\n<body>\n<pre>${planted(gh)}</pre>` });
    const { findings, filesScanned } = await verifyDirectory(dir);
    expect(filesScanned).toBe(2);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.file === 's/1/index.html' && f.line === 3)).toBe(true);
    expect(JSON.stringify(findings)).not.toContain(gh.random.slice(0, 8));
  });

  it('decodes HTML entities that hide an assignment', async () => {
    const dir = site({ 'a.html': `<code>{&quot;password&quot;: &quot;x9Kq2LmZ7pWv&quot;}</code>` });
    const { findings } = await verifyDirectory(dir);
    expect(findings.map((f) => f.rule)).toContain('assignment');
  });

  it('finds a secret inside a gzip-compressed Pagefind fragment', async () => {
    const body = Buffer.concat([Buffer.from('pagefind_dcd'), Buffer.from(JSON.stringify({ content: `output: ${planted(gh)}` }))]);
    const dir = site({ 'pagefind/fragment/en_1a2b3c.pf_fragment': gzipSync(body), 'pagefind/index/en_1.pf_index': gzipSync(Buffer.from('pagefind_dcd clean')) });
    const { findings, filesScanned } = await verifyDirectory(dir);
    expect(filesScanned).toBe(2);
    expect(findings.some((f) => f.file === 'pagefind/fragment/en_1a2b3c.pf_fragment')).toBe(true);
  });

  it('ignores placeholders', async () => {
    const dir = site({ 'index.html': clean, 'data.json': JSON.stringify({ a: 'Authorization: Bearer [REDACTED:auth-header]', b: 'password=[REDACTED:assignment]' }) });
    expect((await verifyDirectory(dir)).findings).toEqual([]);
  });

  it('the script exits 0 on a clean site and 1 on a finding, with a one-line summary', async () => {
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'verify.mjs');
    const ok = await run(process.execPath, [script, site({ 'index.html': clean })]);
    expect(ok.stdout).toMatch(/^verify: 0 findings in 1 files/m);
    const bad = site({ 'x.txt': `line1\n${planted(gh)}\n` });
    const err = await run(process.execPath, [script, bad]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stdout).toMatch(/^x\.txt:2 /m);
    expect(err.stdout + err.stderr).not.toContain(gh.random.slice(0, 8));
    expect(err.stderr).toMatch(/^verify: \d+ findings? in 1 files/m);
  });
});

describe('verify script options', () => {
  it('accepts the build e-mail allowlist and rejects unknown options', async () => {
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'verify.mjs');
    const dir = site({ 'about.html': '<p>Contact: archive-owner@corp.dev</p>' });
    const flagged = await run(process.execPath, [script, dir]).catch((e) => e);
    expect(flagged.code).toBe(1);
    expect(flagged.stdout).toMatch(/^about\.html:1 email$/m);
    const allowed = await run(process.execPath, [script, dir, '--allow-email=@corp.dev']);
    expect(allowed.stdout).toMatch(/^verify: 0 findings/m);
    const bad = await run(process.execPath, [script, dir, '--nope']).catch((e) => e);
    expect(bad.code).toBe(2);
  });
});
