import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, statSync, createWriteStream, chmodSync, readFileSync, utimesSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { readLines, readLinesFromStream, RolloutReadError, type RawLine } from '../../src/lib/read/lines.ts';
import { permissionsIgnored, runAsNobody } from './as-other-user.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/bad');

async function collect(it: AsyncIterable<RawLine>): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const line of it) out.push(line);
  return out;
}

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'codex-archive-lines-'));
}

describe('readLines on the bad fixtures', () => {
  it('yields a truncated last line as unterminated, with the earlier lines complete', async () => {
    const lines = await collect(readLines(join(FIXTURES, 'truncated-last-line.jsonl')));
    expect(lines.map((l) => l.terminated)).toEqual([true, true, false]);
    expect(lines[2]!.text).toBe('{"timestamp":"2026-11-21T22:31:05.000Z","type":"respon');
    expect(() => JSON.parse(lines[0]!.text)).not.toThrow();
  });

  it('keeps an unparsable middle line as a line of its own', async () => {
    const lines = await collect(readLines(join(FIXTURES, 'invalid-json-mid.jsonl')));
    expect(lines).toHaveLength(3);
    expect(() => JSON.parse(lines[1]!.text)).toThrow();
    expect(JSON.parse(lines[2]!.text).type).toBe('event_msg');
    expect(lines[2]!.line).toBe(3);
  });

  it('strips a leading BOM from line 1 but counts its bytes', async () => {
    const lines = await collect(readLines(join(FIXTURES, 'bom.jsonl')));
    expect(lines[0]!.text.startsWith('{')).toBe(true);
    expect(JSON.parse(lines[0]!.text).type).toBe('session_meta');
    expect(lines[0]!.byteLength).toBe(Buffer.byteLength(lines[0]!.text) + 3);
    expect(lines[1]!.byteOffset).toBe(lines[0]!.byteLength + 1);
  });

  it('strips one trailing \\r per CRLF line', async () => {
    const lines = await collect(readLines(join(FIXTURES, 'crlf.jsonl')));
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.text.endsWith('\r')).toBe(false);
      expect(l.byteLength).toBe(Buffer.byteLength(l.text) + 1);
      expect(() => JSON.parse(l.text)).not.toThrow();
    }
  });

  it('decodes invalid UTF-8 with replacement characters and flags the line', async () => {
    const lines = await collect(readLines(join(FIXTURES, 'invalid-utf8.jsonl')));
    expect(lines[0]!.invalidUtf8).toBe(false);
    expect(lines[1]!.invalidUtf8).toBe(true);
    expect(lines[1]!.text).toContain('caf\uFFFD');
    expect(JSON.parse(lines[1]!.text).payload.message).toMatch(/^caf\uFFFD \uFFFD\uFFFD$/);
  });

  it('yields nothing for a zero-byte file', async () => {
    expect(await collect(readLines(join(FIXTURES, 'zero-byte.jsonl')))).toEqual([]);
  });

  it('yields empty and whitespace-only lines so the caller can count them', async () => {
    const empty = await collect(readLines(join(FIXTURES, 'empty-lines.jsonl')));
    expect(empty.map((l) => [l.line, l.text, l.terminated])).toEqual([
      [1, '', true],
      [2, '', true],
      [3, '', true],
    ]);
    const ws = await collect(readLines(join(FIXTURES, 'whitespace-lines.jsonl')));
    expect(ws.map((l) => l.text.trim() === '')).toEqual([false, true, true, true, false]);
    expect(ws[3]!.text).toBe('\t');
  });
});

describe('readLinesFromStream', () => {
  it('joins lines, BOMs, CRLF pairs and UTF-8 sequences split across chunks', async () => {
    const euro = Buffer.from('€'); // 3 bytes
    const lines = await collect(
      readLinesFromStream(chunks('\xef', '\xbb\xbfa\r', '\nb', euro.subarray(0, 1), euro.subarray(1), '\r\n')),
    );
    expect(lines.map((l) => l.text)).toEqual(['a', 'b€']);
    expect(lines.every((l) => !l.invalidUtf8)).toBe(true);
  });

  it('does not strip a BOM that starts a later line', async () => {
    const lines = await collect(readLinesFromStream(chunks('a\n\xef\xbb\xbfb\n')));
    expect(lines[1]!.text).toBe('\uFEFFb');
  });

  it('cuts an oversized line to a prefix that does not split a character', async () => {
    // 64 KiB of 'é' (2 bytes each) offset by one byte, so byte 65536 falls inside a character.
    const body = 'x' + 'é'.repeat(40_000);
    const lines = await collect(readLinesFromStream(chunks(Buffer.from(body + '\nnext\n')), { maxLineBytes: 1000 }));
    expect(lines[0]!.oversized).toBe(true);
    expect(lines[0]!.invalidUtf8).toBe(false);
    expect(lines[0]!.byteLength).toBe(Buffer.byteLength(body));
    expect(Buffer.byteLength(lines[0]!.text)).toBeLessThanOrEqual(1000);
    expect(body.startsWith(lines[0]!.text)).toBe(true);
    expect(lines[1]).toMatchObject({ line: 2, text: 'next', oversized: false });
  });
});

describe('readLines on generated files', () => {
  it('reads a 100 MB single line with bounded memory and marks it oversized', async () => {
    const dir = tempDir();
    const file = join(dir, 'huge.jsonl');
    try {
      const size = 100 * 1024 * 1024;
      // Write in 1 MiB pieces so the test itself does not hold 100 MB.
      const piece = Buffer.alloc(1024 * 1024, 'a');
      const out = createWriteStream(file);
      out.write('{"x":"');
      for (let written = 0; written < size; written += piece.length) {
        if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end('"}\n{"after":1}\n', (err?: Error | null) => (err ? reject(err) : resolve())));
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const lines: RawLine[] = [];
      for await (const line of readLines(file, { maxLineBytes: 4 * 1024 * 1024 })) {
        lines.push(line);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(lines).toHaveLength(2);
      expect(lines[0]!.oversized).toBe(true);
      expect(lines[0]!.byteLength).toBe(size + 8);
      expect(lines[0]!.text.length).toBe(64 * 1024);
      expect(lines[1]).toMatchObject({ line: 2, text: '{"after":1}', byteOffset: size + 9, oversized: false });
      // Growth is bounded by maxLineBytes plus read buffers, far below the 100 MB line.
      expect(peak - before).toBeLessThan(40 * 1024 * 1024);

      // With the default limit (64 MiB) the line is still cut, and growth stays near the limit
      // (measured ~60 MB), below the line's own size.
      const before2 = process.memoryUsage().rss;
      let peak2 = before2;
      let first: RawLine | undefined;
      for await (const line of readLines(file)) {
        first ??= line;
        peak2 = Math.max(peak2, process.memoryUsage().rss);
      }
      expect(first!.oversized).toBe(true);
      expect(peak2 - before2).toBeLessThan(size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('survives a file that is appended to while being read, yielding only whole lines as terminated', async () => {
    const dir = tempDir();
    const file = join(dir, 'live.jsonl');
    try {
      writeFileSync(file, '');
      const record = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(5000) }) + '\n';
      for (let i = 0; i < 50; i++) await appendFile(file, record(i));
      let next = 50;
      const lines: RawLine[] = [];
      for await (const line of readLines(file)) {
        lines.push(line);
        // Keep writing while the reader is mid-file, sometimes half a record at a time.
        if (next < 400) {
          const r = record(next++);
          const cut = r.length >> 1;
          await appendFile(file, r.slice(0, cut));
          await appendFile(file, r.slice(cut));
        }
      }
      expect(lines.length).toBeGreaterThanOrEqual(50);
      lines.forEach((l, k) => expect(l.line).toBe(k + 1));
      for (const l of lines.filter((x) => x.terminated)) expect(JSON.parse(l.text).i).toBe(l.line - 1);
      expect(lines.filter((l) => !l.terminated).length).toBeLessThanOrEqual(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decompresses .jsonl.zst while streaming', async () => {
    const dir = tempDir();
    const file = join(dir, 'rollout.jsonl.zst');
    try {
      const text = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i })).join('\n') + '\n';
      writeFileSync(file, zstdCompressSync(Buffer.from(text)));
      const lines = await collect(readLines(file, { compressed: true }));
      expect(lines).toHaveLength(2000);
      expect(JSON.parse(lines[1999]!.text).i).toBe(1999);
      expect(lines[1999]!.byteOffset + lines[1999]!.byteLength + 1).toBe(Buffer.byteLength(text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws RolloutReadError ZSTD_CORRUPT for a damaged .zst, with advice', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonl.zst');
    try {
      writeFileSync(file, 'this is not zstd\n');
      const err = await collect(readLines(file, { compressed: true })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RolloutReadError);
      expect(err).toMatchObject({ code: 'ZSTD_CORRUPT', path: file });
      expect((err as Error).message).toContain(`Cannot read ${file}: it is not a complete zstd stream`);
      expect((err as Error).message).toContain('Use the plain .jsonl sibling');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('yields the lines of a truncated .zst that were complete, then throws ZSTD_CORRUPT', async () => {
    const dir = tempDir();
    const file = join(dir, 'cut.jsonl.zst');
    try {
      const text = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, pad: 'q'.repeat(i % 97) })).join('\n') + '\n';
      const packed = zstdCompressSync(Buffer.from(text));
      writeFileSync(file, packed.subarray(0, packed.length >> 1));
      const seen: RawLine[] = [];
      const err = await (async () => {
        for await (const l of readLines(file, { compressed: true })) seen.push(l);
      })().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'RolloutReadError', code: 'ZSTD_CORRUPT' });
      expect(seen.length).toBeGreaterThan(0);
      for (const l of seen.filter((x) => x.terminated)) expect(JSON.parse(l.text).i).toBe(l.line - 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops cleanly when the caller abandons a .zst stream early', async () => {
    const dir = tempDir();
    const file = join(dir, 'big.jsonl.zst');
    try {
      writeFileSync(file, zstdCompressSync(Buffer.from('{"a":1}\n'.repeat(500_000))));
      let n = 0;
      for await (const _ of readLines(file, { compressed: true })) if (++n === 3) break;
      expect(n).toBe(3);
      // The handle is closed: the file can be removed and the folder deleted without EBUSY.
      rmSync(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws RolloutReadError ENOENT for a missing file', async () => {
    const missing = join(tmpdir(), 'codex-archive-does-not-exist.jsonl');
    const err = await collect(readLines(missing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RolloutReadError);
    expect(err).toMatchObject({ code: 'ENOENT', path: missing });
    expect((err as Error).message).toMatch(/^Cannot read .*: it does not exist\. .*list the folder again\./);
  });

  it('throws RolloutReadError EISDIR for a directory in place of a file', async () => {
    const dir = tempDir();
    try {
      const fake = join(dir, 'rollout-x.jsonl');
      mkdirSync(fake);
      const err = await collect(readLines(fake)).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'RolloutReadError', code: 'EISDIR', path: fake });
      expect((err as Error).message).toContain('it is a directory, not a file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws RolloutReadError EACCES for a file without read permission', async () => {
    const dir = tempDir();
    try {
      // The folder stays traversable so that only the file's own mode can cause the error.
      chmodSync(dir, 0o755);
      const file = join(dir, 'locked.jsonl');
      writeFileSync(file, '{}\n');
      chmodSync(file, 0o000);
      let err: unknown;
      if (permissionsIgnored()) {
        // Root reads mode-000 files anyway; ask an unprivileged child process instead.
        const lines = new URL('../../src/lib/read/lines.ts', import.meta.url).pathname;
        err = runAsNobody(
          `import { readLines } from ${JSON.stringify(lines)};
           try { for await (const l of readLines(${JSON.stringify(file)})); console.log('null'); }
           catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, path: e.path, message: e.message })); }`,
        );
      } else {
        err = await collect(readLines(file)).catch((e: unknown) => e);
      }
      expect(err).toMatchObject({ name: 'RolloutReadError', code: 'EACCES', path: file });
      expect((err as Error).message).toMatch(/^Cannot read .*locked\.jsonl: permission denied\. Give the user running the archive read access/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('words EACCES errors with what to do', () => {
    const err = new RolloutReadError('EACCES', '/x/rollout.jsonl');
    expect(err.message).toBe(
      'Cannot read /x/rollout.jsonl: permission denied. Give the user running the archive read access to it (for example `chmod u+r`), or exclude it.',
    );
  });

  it('closes the file when the caller stops early', async () => {
    const dir = tempDir();
    const file = join(dir, 'many.jsonl');
    try {
      writeFileSync(file, 'a\nb\nc\n');
      for await (const line of readLines(file)) {
        expect(line.text).toBe('a');
        break;
      }
      // An open handle would still be counted by the process; a reopen-and-truncate must work.
      const h = await open(file, 'r+');
      await h.truncate(0);
      await h.close();
      expect(readFileSync(file, 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the access time alone (O_NOATIME) even where relatime would update it', async () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'old.jsonl');
      writeFileSync(file, '{}\n');
      // An access time older than the mtime is exactly the case relatime updates on read.
      // (utimes on our own temp file only: the reader itself never calls it.)
      const mtime = statSync(file).mtime;
      utimesSync(file, new Date(mtime.getTime() - 86_400_000 * 3), mtime);
      const before = statSync(file);
      await collect(readLines(file));
      const after = statSync(file);
      expect(after.atimeMs).toBe(before.atimeMs);
      expect(after.mtimeMs).toBe(before.mtimeMs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the mtime and bytes of what it reads unchanged', async () => {
    const file = join(FIXTURES, 'crlf.jsonl');
    const before = statSync(file);
    const bytes = readFileSync(file);
    await collect(readLines(file));
    const after = statSync(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ctimeMs).toBe(before.ctimeMs);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});
