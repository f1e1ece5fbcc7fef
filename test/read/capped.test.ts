import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS } from '../corpus.ts';
import { zstdCompressSync } from 'node:zlib';
import { readFileCapped, RolloutReadError } from '../../src/lib/read/lines.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/bad');
const TS_CORPUS = join(CORPUS, 'codex-0.1.2505172129/sessions');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-archive-capped-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFileCapped', () => {
  it('strips and reports a BOM so JSON.parse accepts the document', async () => {
    const doc = await readFileCapped(join(FIXTURES, 'bom-document.json'), { maxBytes: 1024 });
    expect(doc).toMatchObject({ bom: true, truncated: false, invalidUtf8: false });
    expect(JSON.parse(doc.text).session.id).toBe('6f1c2d4e-0b6a-4c57-9a53-3b4f0e9d2a71');
  });

  it('reads a corpus generation-0 document whole', async () => {
    const doc = await readFileCapped(join(TS_CORPUS, 'rollout-2026-11-21-2461085c-bfca-4300-ac92-7d3f1cd9f11f.json'), { maxBytes: 1 << 20 });
    expect(doc).toMatchObject({ bom: false, truncated: false });
    expect(Buffer.byteLength(doc.text)).toBe(11876);
    expect(JSON.parse(doc.text).session.id).toBe('2461085c-bfca-4300-ac92-7d3f1cd9f11f');
  });

  it('cuts at the cap without splitting a UTF-8 character', async () => {
    const p = join(dir, 'euros.json');
    writeFileSync(p, '€'.repeat(100)); // 3 bytes each
    const doc = await readFileCapped(p, { maxBytes: 10 });
    expect(doc).toMatchObject({ truncated: true, text: '€€€', invalidUtf8: false });
    expect((await readFileCapped(p, { maxBytes: 300 })).truncated).toBe(false);
  });

  it('decompresses zstd and caps the decompressed size', async () => {
    const p = join(dir, 'doc.json.zst');
    writeFileSync(p, zstdCompressSync(Buffer.from('{"items":[' + '1,'.repeat(100_000) + '1]}')));
    const whole = await readFileCapped(p, { maxBytes: 1 << 20, compressed: true });
    expect(JSON.parse(whole.text).items).toHaveLength(100_001);
    const cut = await readFileCapped(p, { maxBytes: 1000, compressed: true });
    expect(cut).toMatchObject({ truncated: true });
    expect(cut.text).toHaveLength(1000);
  });

  it('flags invalid UTF-8 and throws RolloutReadError for a missing file', async () => {
    const p = join(dir, 'latin1.json');
    writeFileSync(p, Buffer.from([0x22, 0xe9, 0x22]));
    expect(await readFileCapped(p, { maxBytes: 10 })).toMatchObject({ text: '"\uFFFD"', invalidUtf8: true });
    await expect(readFileCapped(join(dir, 'none.json'), { maxBytes: 10 })).rejects.toBeInstanceOf(RolloutReadError);
  });
});
