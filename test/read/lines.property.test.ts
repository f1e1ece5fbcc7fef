import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readLinesFromStream, type RawLine } from '../../src/lib/read/lines.ts';

/** Bytes biased towards the awkward ones: newlines, CR, BOM pieces, bytes invalid in UTF-8. */
const awkwardByte = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 2, arbitrary: fc.constantFrom(0x0a, 0x0d, 0xef, 0xbb, 0xbf, 0xff, 0xc3, 0x80, 0x20) },
);

/** An input plus the positions where the stream is cut into chunks. */
const splitInput = fc
  .uint8Array({ maxLength: 400 })
  .chain((bytes) =>
    fc.record({
      bytes: fc.array(awkwardByte, { maxLength: 400 }).map((extra) => new Uint8Array([...bytes, ...extra])),
      cuts: fc.array(fc.nat(), { maxLength: 20 }),
      maxLineBytes: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
    }),
  );

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    yield bytes.subarray(from, p); // empty chunks included on purpose
    from = p;
  }
}

describe('readLinesFromStream (property)', () => {
  it('never throws and accounts for every byte exactly once, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(splitInput, async ({ bytes, cuts, maxLineBytes }) => {
        const lines: RawLine[] = [];
        for await (const l of readLinesFromStream(chunked(bytes, cuts), { maxLineBytes })) lines.push(l);

        const accounted = lines.reduce((sum, l) => sum + l.byteLength + (l.terminated ? 1 : 0), 0);
        expect(accounted).toBe(bytes.length);
        let offset = 0;
        lines.forEach((l, k) => {
          expect(l.line).toBe(k + 1);
          expect(l.byteOffset).toBe(offset);
          // Only the last line may lack a terminator; a terminated line ends on a '\n'.
          if (l.terminated) expect(bytes[l.byteOffset + l.byteLength]).toBe(0x0a);
          else expect(k).toBe(lines.length - 1);
          offset += l.byteLength + (l.terminated ? 1 : 0);
          expect(l.text.includes('\n')).toBe(false);
          if (!l.oversized) {
            const raw = Buffer.from(bytes.subarray(l.byteOffset, l.byteOffset + l.byteLength));
            let expected = raw.toString('utf8');
            if (k === 0 && expected.startsWith('\uFEFF')) expected = expected.slice(1);
            if (expected.endsWith('\r')) expected = expected.slice(0, -1);
            expect(l.text).toBe(expected);
          } else {
            expect(l.byteLength).toBeGreaterThan(maxLineBytes ?? Infinity);
          }
        });
      }),
      { numRuns: 500 },
    );
  });
});
