/**
 * Secrets inside JSON that is itself a string of JSON (tool arguments, MCP results, shell output
 * wrapped as `{"output": …}`): a token right after a `\n` escape is glued to the `n`, and rules
 * that want a word boundary before the token missed it. The redactor and the verifier must not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactorSync } from '../../src/lib/redact/index.ts';
import { scanText } from '../../src/lib/redact/verify.ts';
import { fakes, leaks, planted } from '../redact/fake.ts';

const redactor = createRedactorSync({ homeDir: null, userName: null });

describe('secrets after JSON escapes', () => {
  it('hides every provider token that follows \\n, \\r or \\t, at any depth of escaping', () => {
    for (const f of fakes()) {
      for (const esc of ['\\n', '\\r', '\\t', '\\\\n', '\\\\\\n']) {
        const text = JSON.stringify({ output: `line one${esc}${planted(f)}${esc}line three` });
        const out = redactor.redact(text);
        expect(leaks(out, f.random), `${f.kind} after ${esc}`).toEqual([]);
      }
    }
  });

  it('a JSON string of a JSON string of secrets comes out clean (property)', () => {
    const all = fakes();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), fc.integer({ min: 1, max: 3 }), fc.string({ maxLength: 12 }), (k, depth, pad) => {
        const f = all[k]!;
        let text = `${pad}\n${planted(f)}\n${pad}`;
        for (let i = 0; i < depth; i++) text = JSON.stringify({ text });
        expect(leaks(redactor.redact(text), f.random)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the verifier finds what the redactor would have hidden', () => {
    const f = fakes().find((x) => x.kind === 'aws-access-key')!;
    const findings = scanText(JSON.stringify({ output: `ok\n${f.value}\n` }), 'x.json');
    expect(findings.length).toBeGreaterThan(0);
  });
});
