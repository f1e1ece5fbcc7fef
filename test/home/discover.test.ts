import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { discoverRollouts, RolloutFile, SourceNotFoundError } from '../../src/lib/home/discover.ts';
import { classifySource, resolveCodexHome } from '../../src/lib/home/codex-home.ts';
import { parseRolloutName } from '../../src/lib/home/rollout-name.ts';
import { permissionsIgnored, runAsNobody } from '../read/as-other-user.ts';

import { CORPUS } from '../corpus.ts';
const T = '01a2003c-0628-7a33-ada7-f49f99d78293';
const R = '01a2003c-9999-7a33-ada7-f49f99d78293';
const DAY = 'sessions/2026/11/21';

/** A file tree from relative path → content (a Buffer for binary content). */
function tree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
}

describe('resolveCodexHome', () => {
  it('uses CODEX_HOME when set and non-empty, else ~/.codex', () => {
    expect(resolveCodexHome({ CODEX_HOME: '/data/codex' }, '/home/ana')).toBe('/data/codex');
    expect(resolveCodexHome({ CODEX_HOME: '' }, '/home/ana')).toBe('/home/ana/.codex');
    expect(resolveCodexHome({}, '/home/ana')).toBe('/home/ana/.codex');
    expect(resolveCodexHome({ CODEX_HOME: 'rel/dir' }, '/home/ana')).toBe(join(process.cwd(), 'rel/dir'));
  });
});

describe('parseRolloutName', () => {
  it('reads every name form Codex has used', () => {
    expect(parseRolloutName(`rollout-2026-11-21T22-31-03-${T}.jsonl`)).toEqual({
      format: 'jsonl', compressed: false, threadId: T, rolloutId: null, nameTime: '2026-11-21T22-31-03',
    });
    expect(parseRolloutName(`rollout-2026-11-21T22-31-03-${T}_${R}.jsonl`)).toMatchObject({ threadId: T, rolloutId: R });
    expect(parseRolloutName(`rollout-2025-05-08-${T}.jsonl.zst`)).toMatchObject({ compressed: true, nameTime: '2025-05-08', threadId: T });
    expect(parseRolloutName(`rollout-2025-04-18-${T}.json`)).toMatchObject({ format: 'json', threadId: T });
    expect(parseRolloutName('rollout-custom.jsonl')).toMatchObject({ threadId: null, nameTime: null });
  });

  it('rejects staging, temporary and other files', () => {
    for (const name of [`.rollout-2026-11-21T22-31-03-${T}.jsonl.paginated.tmp`, 'rollout-compress-123.tmp', 'notes.jsonl', 'rollout-x.jsonl.bak', 'rollout-x.json.zst']) {
      expect(parseRolloutName(name)).toBeNull();
    }
  });
});

describe('discoverRollouts on a synthetic Codex home', () => {
  let base: string;
  let home: string;
  let outside: string;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'codex-archive-discover-'));
    home = join(base, 'home');
    outside = join(base, 'outside');
    tree(outside, { [`rollout-2026-11-21T09-00-00-${R}.jsonl`]: '{}\n', 'sub/x.txt': 'x' });
    tree(home, {
      [`${DAY}/rollout-2026-11-21T10-00-00-${T}.jsonl`]: '{}\n',
      [`${DAY}/rollout-2026-11-21T11-00-00-${R}.jsonl`]: '{}\n',
      [`${DAY}/rollout-2026-11-21T11-00-00-${R}.jsonl.zst`]: zstdCompressSync(Buffer.from('{}\n')),
      [`${DAY}/rollout-2026-11-21T12-00-00-01a2003c-0001-7a33-ada7-f49f99d78293.jsonl.zst`]: zstdCompressSync(Buffer.from('{}\n')),
      [`${DAY}/rollout-2026-11-21T13-00-00-${T}_${R}.jsonl`]: '{}\n',
      [`${DAY}/.rollout-2026-11-21T14-00-00-${T}.jsonl.paginated.tmp`]: '{}\n',
      [`${DAY}/rollout-compress-42.tmp`]: 'x',
      [`${DAY}/notes.txt`]: 'x',
      [`${DAY}/.DS_Store`]: 'x',
      [`sessions/rollout-2025-05-08-${R.replace('9999', '0002')}.jsonl`]: '{}\n',
      [`sessions/rollout-2025-04-18-${R.replace('9999', '0003')}.json`]: '{"items":[]}',
      [`archived_sessions/rollout-2026-11-21T10-00-00-${T}.jsonl`]: '{}\n',
      [`archived_sessions/rollout-2026-11-20T10-00-00-${R.replace('9999', '0004')}.jsonl`]: '{}\n',
      'session_index.jsonl': '',
      'history.jsonl': '',
      'state.sqlite': '',
      'state_5.sqlite': '',
      'auth.json': '{"token":"never"}',
      'secrets/rollout-2026-11-21T10-00-00-x.jsonl': 'never',
      'config.toml': '',
    });
    // Links: a file outside the root, a folder outside the root, a file inside the root.
    symlinkSync(join(outside, `rollout-2026-11-21T09-00-00-${R}.jsonl`), join(home, DAY, `rollout-2026-11-21T09-00-00-${R}.jsonl`));
    symlinkSync(outside, join(home, DAY, 'linked-dir'));
    symlinkSync(join(home, DAY, `rollout-2026-11-21T10-00-00-${T}.jsonl`), join(home, 'sessions', `rollout-2026-11-21T15-00-00-${T}.jsonl`));
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('classifies the source as a Codex home and lists only rollout files, sorted', async () => {
    const d = await discoverRollouts(home);
    expect(d.kind).toBe('codex-home');
    expect(d.root).toBe(home);
    expect(d.files.map((f) => f.relPath)).toEqual([
      `archived_sessions/rollout-2026-11-20T10-00-00-${R.replace('9999', '0004')}.jsonl`,
      `archived_sessions/rollout-2026-11-21T10-00-00-${T}.jsonl`,
      `${DAY}/rollout-2026-11-21T10-00-00-${T}.jsonl`,
      `${DAY}/rollout-2026-11-21T11-00-00-${R}.jsonl`,
      `${DAY}/rollout-2026-11-21T12-00-00-01a2003c-0001-7a33-ada7-f49f99d78293.jsonl.zst`,
      `${DAY}/rollout-2026-11-21T13-00-00-${T}_${R}.jsonl`,
      `sessions/rollout-2025-04-18-${R.replace('9999', '0003')}.json`,
      `sessions/rollout-2025-05-08-${R.replace('9999', '0002')}.jsonl`,
      `sessions/rollout-2026-11-21T15-00-00-${T}.jsonl`,
    ]);
    for (const f of d.files) expect(RolloutFile.parse(f)).toEqual(f);
  });

  it('marks archived files and keeps compressed ones', async () => {
    const d = await discoverRollouts(home);
    expect(d.files.filter((f) => f.archived).map((f) => f.relPath.split('/')[0])).toEqual(['archived_sessions', 'archived_sessions']);
    const zst = d.files.find((f) => f.compressed)!;
    expect(zst).toMatchObject({ format: 'jsonl', nameTime: '2026-11-21T12-00-00' });
    expect(d.files.find((f) => f.rolloutId)).toMatchObject({ threadId: T, rolloutId: R });
    expect(d.files.find((f) => f.format === 'json')).toMatchObject({ nameTime: '2025-04-18', archived: false });
  });

  it('prefers a plain file over its .zst sibling and says so', async () => {
    const d = await discoverRollouts(home);
    expect(d.files.some((f) => f.relPath.endsWith(`${R}.jsonl.zst`))).toBe(false);
    expect(d.diagnostics).toContainEqual({
      file: `${DAY}/rollout-2026-11-21T11-00-00-${R}.jsonl.zst`,
      line: null,
      code: 'stale-compressed-sibling',
      message: `Skipped ${DAY}/rollout-2026-11-21T11-00-00-${R}.jsonl.zst: the uncompressed rollout-2026-11-21T11-00-00-${R}.jsonl next to it is newer by Codex's rule (a plain file wins over its .zst copy).`,
      severity: 'info',
    });
  });

  it('ignores hidden, temporary and other files, counting them in one info diagnostic', async () => {
    const d = await discoverRollouts(home);
    const ignored = d.diagnostics.filter((x) => x.code === 'ignored-files');
    expect(ignored).toHaveLength(1);
    expect(ignored[0]!.severity).toBe('info');
    expect(ignored[0]!.message).toMatch(/^Ignored 4 entries that are not rollout files/);
    expect(ignored[0]!.message).toContain('.rollout-2026-11-21T14-00-00');
    expect(ignored[0]!.message).toContain('rollout-compress-42.tmp');
  });

  it('never follows a symlink out of the root, but reads a link to a file inside it', async () => {
    const d = await discoverRollouts(home);
    expect(d.files.some((f) => f.relPath.includes('T09-00-00'))).toBe(false);
    const escaped = d.diagnostics.find((x) => x.code === 'symlink-outside-root' && x.file.includes('T09-00-00'))!;
    expect(escaped.severity).toBe('warning');
    expect(escaped.message).toContain('outside the source folder');
    expect(d.diagnostics.find((x) => x.code === 'symlink-outside-root' && x.file.endsWith('linked-dir'))).toBeDefined();
    expect(d.files.find((f) => f.relPath === `sessions/rollout-2026-11-21T15-00-00-${T}.jsonl`)).toMatchObject({ size: 3 });
  });

  it('keeps a file that is both live and archived, with a warning on each copy', async () => {
    const d = await discoverRollouts(home);
    const dup = d.diagnostics.filter((x) => x.code === 'duplicate-thread-file');
    expect(dup.map((x) => x.file)).toEqual([
      `${DAY}/rollout-2026-11-21T10-00-00-${T}.jsonl`,
      `archived_sessions/rollout-2026-11-21T10-00-00-${T}.jsonl`,
    ]);
    expect(dup.every((x) => x.severity === 'warning')).toBe(true);
  });

  it('finds the side files at the root, preferring the newest state database', async () => {
    const d = await discoverRollouts(home);
    expect(d.sessionIndexPath).toBe(join(home, 'session_index.jsonl'));
    expect(d.historyPath).toBe(join(home, 'history.jsonl'));
    expect(d.stateDbPath).toBe(join(home, 'state_5.sqlite'));
    expect(d.savedSessionsPath).toBeNull();
  });

  it('leaves out what exclude() matches, folders included', async () => {
    const d = await discoverRollouts(home, { exclude: (rel) => rel === 'archived_sessions' || rel.endsWith('.json') });
    expect(d.files.some((f) => f.archived || f.format === 'json')).toBe(false);
    expect(d.diagnostics.find((x) => x.code === 'excluded')?.message).toBe(
      `Left out 2 entries matched by the exclude option: sessions/rollout-2025-04-18-${R.replace('9999', '0003')}.json, archived_sessions.`,
    );
    const d2 = await discoverRollouts(home, { exclude: (rel) => rel.startsWith('sessions/2026') });
    expect(d2.files.map((f) => f.relPath).filter((r) => r.startsWith('sessions/2026'))).toEqual([]);
  });

  it('walks a plain folder recursively, never opening credentials', async () => {
    const d = await discoverRollouts(join(home, '..'));
    expect(d.kind).toBe('folder');
    expect(d.files.some((f) => f.relPath.includes('secrets/'))).toBe(false);
    expect(d.files.filter((f) => f.archived)).toHaveLength(2);
    expect(d.files.some((f) => f.relPath === `outside/rollout-2026-11-21T09-00-00-${R}.jsonl`)).toBe(true);
    expect(d.diagnostics.find((x) => x.code === 'credentials-skipped')?.message).toBe(
      'Did not open home/auth.json, home/secrets: credentials are never read.',
    );
  });

  it('reports an unreadable folder and file instead of throwing', async () => {
    const locked = join(base, 'locked');
    const day = join(locked, 'sessions', '2026', '11', '21');
    mkdirSync(join(locked, 'sessions', 'private'), { recursive: true });
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, `rollout-2026-11-21T10-00-00-${T}.jsonl`), '{}\n');
    writeFileSync(join(day, `rollout-2026-11-21T11-00-00-${R}.jsonl`), '{}\n');
    chmodSync(join(locked, 'sessions', 'private'), 0o000);
    chmodSync(join(day, `rollout-2026-11-21T11-00-00-${R}.jsonl`), 0o000);
    for (let p = locked; p.startsWith(base); p = join(p, '..')) chmodSync(p, 0o755);
    try {
      let d: { files: { relPath: string }[]; diagnostics: { file: string; code: string; severity: string; message: string }[] };
      if (permissionsIgnored()) {
        // Root ignores mode 000; run discovery as an unprivileged user instead.
        const mod = new URL('../../src/lib/home/discover.ts', import.meta.url).pathname;
        d = runAsNobody(
          `import { discoverRollouts } from ${JSON.stringify(mod)};
           console.log(JSON.stringify(await discoverRollouts(${JSON.stringify(locked)})));`,
        ) as typeof d;
      } else {
        d = await discoverRollouts(locked);
      }
      expect(d.files.map((f) => f.relPath)).toEqual([`sessions/2026/11/21/rollout-2026-11-21T10-00-00-${T}.jsonl`]);
      const unreadable = d.diagnostics.filter((x) => x.code === 'unreadable');
      expect(unreadable.map((x) => [x.file, x.severity])).toEqual([
        [`sessions/2026/11/21/rollout-2026-11-21T11-00-00-${R}.jsonl`, 'warning'],
        ['sessions/private', 'warning'],
      ]);
      expect(unreadable[1]!.message).toBe(
        'Cannot list sessions/private (EACCES): the rollouts in it are left out. Give the user running the archive read access to the folder, or exclude it.',
      );
    } finally {
      chmodSync(join(locked, 'sessions', 'private'), 0o755);
    }
  });

  it('reports a folder it cannot list (here: a path beyond PATH_MAX, which fails even for root)', async () => {
    const deep = join(base, 'deep');
    mkdirSync(join(deep, 'sessions'), { recursive: true });
    writeFileSync(join(deep, 'sessions', `rollout-2026-11-21T10-00-00-${T}.jsonl`), '{}\n');
    // The shell's cd walks relative paths, so it can build a tree no absolute path can reach.
    const name = 'd'.repeat(250);
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 18); do mkdir "$2" && cd "$2"; done`, '_', join(deep, 'sessions'), name]);
    try {
      const d = await discoverRollouts(deep);
      expect(d.files.map((f) => f.relPath)).toEqual([`sessions/rollout-2026-11-21T10-00-00-${T}.jsonl`]);
      const unreadable = d.diagnostics.filter((x) => x.code === 'unreadable');
      expect(unreadable).toHaveLength(1);
      expect(unreadable[0]).toMatchObject({ line: null, severity: 'warning' });
      expect(unreadable[0]!.message).toMatch(/^Cannot list sessions\/d+\/.* \(ENAMETOOLONG\): the rollouts in it are left out\./);
    } finally {
      execFileSync('rm', ['-rf', deep]);
    }
  });

  it('throws SourceNotFoundError for a missing root, suggesting CODEX_HOME', async () => {
    const missing = join(base, 'nope');
    const err = await discoverRollouts(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceNotFoundError);
    expect((err as Error).message).toBe(
      `Cannot read sessions from ${missing}: it does not exist. Point at your Codex home (the folder that holds sessions/), for example by setting CODEX_HOME=<dir>, or at a folder of rollout-*.jsonl files.`,
    );
    await expect(classifySource(join(home, 'config.toml'))).rejects.toThrow(/it is a file, not a folder/);
  });
});

describe('discoverRollouts on the corpus', () => {
  it('lists the 0.169.0 home: 19 rollouts, 2 archived, all side files', async () => {
    const d = await discoverRollouts(join(CORPUS, 'codex-0.169.0'));
    expect(d.kind).toBe('codex-home');
    expect(d.files).toHaveLength(19);
    expect(d.files.filter((f) => f.archived).map((f) => f.threadId)).toEqual([
      '01a2003c-44ad-7781-87ec-062006afcc09',
      '01a2003c-4701-78a0-b515-0deb8a56a4d1',
    ]);
    expect(d.files.every((f) => f.format === 'jsonl' && !f.compressed && f.threadId && f.nameTime)).toBe(true);
    expect(d.files.filter((f) => f.relPath.startsWith('sessions/2026/11/22/'))).toHaveLength(1);
    expect(d.diagnostics).toEqual([]);
    expect(d.sessionIndexPath).toMatch(/codex-0\.169\.0\/session_index\.jsonl$/);
    expect(d.historyPath).toMatch(/history\.jsonl$/);
    expect(d.stateDbPath).toMatch(/state_5\.sqlite$/);
  });

  it('lists the TypeScript-era home: 5 flat .json files with date-only names', async () => {
    const d = await discoverRollouts(join(CORPUS, 'codex-0.1.2505172129'));
    expect(d.files).toHaveLength(5);
    expect(d.files.every((f) => f.format === 'json' && f.nameTime === '2026-11-21' && !f.archived)).toBe(true);
    expect(d.files[0]!.threadId).toBe('196e7b0d-f12f-421f-8116-15eda9bbe211');
    expect([d.sessionIndexPath, d.historyPath, d.stateDbPath]).toEqual([null, null, null]);
  });

  it('walks the whole corpus as a folder: 64 rollouts, 3 under archived_sessions', async () => {
    const d = await discoverRollouts(CORPUS);
    expect(d.kind).toBe('folder');
    expect(d.files).toHaveLength(64);
    expect(d.files.filter((f) => f.archived)).toHaveLength(3);
  });
});
