import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactorSync, redactDeep } from '../../src/lib/redact/index.ts';
import { fakes, leaks, planted } from './fake.ts';

const r = createRedactorSync({ homeDir: '/home/alice', userName: 'alice' });

/** Text that looks like transcripts: words, code punctuation, separators, JSON escapes, keywords. */
const piece = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(' ', '\n', '=', ': ', '"', "'", '\\"', '\\n', '…', '@', '://', '/home/alice/', 'alice', 'token', 'password=', 'Bearer ', '-----BEGIN PRIVATE KEY-----', '[REDACTED:email]', 'key', 'secret: '),
  fc.stringMatching(/^[A-Za-z0-9_+/=-]{1,60}$/),
);
const text = fc.array(piece, { maxLength: 25 }).map((a) => a.join(''));

describe('redaction properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (t) => {
        const once = r.redact(t);
        expect(r.redact(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('never leaks a planted secret, whatever surrounds it', () => {
    const all = fakes();
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: all.length - 1 }), fc.constantFrom('\n', ' ', '\n\n'), (before, after, k, sep) => {
        const f = all[k]!;
        const out = r.redact(before + sep + planted(f) + sep + after);
        expect(leaks(out, f.random)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('redactDeep', () => {
  it('never mutates its input and redacts every string', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const before = JSON.stringify(value);
        const secret = fakes()[0]!;
        const wrapped = { value, nested: [{ note: planted(secret) }] };
        const out = redactDeep(wrapped, r);
        expect(JSON.stringify(value)).toBe(before);
        expect(leaks(JSON.stringify(out), secret.random)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps __proto__ keys as keys and never changes a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "yes", "password": "hunter22x"}, "a": {"constructor": {"prototype": {"x": 1}}}}');
    const out = redactDeep(input, r) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    const proto = Object.getOwnPropertyDescriptor(out, '__proto__')!.value as Record<string, unknown>;
    expect(proto.password).toBe('[REDACTED:assignment]');
    expect((out as { polluted?: string }).polluted).toBeUndefined();
  });

  it('hides a value by its key even when no pattern knows it', () => {
    const out = redactDeep({ env: { DB_PASSWORD: 'correcthorse', HOME: '/home/alice', COUNT_TOKENS: '12' } }, r);
    expect(out).toEqual({ env: { DB_PASSWORD: '[REDACTED:assignment]', HOME: '~', COUNT_TOKENS: '12' } });
  });

  it('handles 100,000 levels of nesting and cycles without throwing', () => {
    let deep: unknown = { leaf: 'password=' + 'x1y2z3w4v5' };
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? { child: deep } : [deep];
    const out = redactDeep(deep, r);
    let cur = out as unknown;
    for (let i = 0; i < 100_000; i++) cur = Array.isArray(cur) ? cur[0] : (cur as { child: unknown }).child;
    expect(cur).toEqual({ leaf: 'password=[REDACTED:assignment]' });
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const c = redactDeep(cyclic, r) as Record<string, unknown>;
    expect(c.self).toBe(c);
    expect(c).not.toBe(cyclic);
  });
});
