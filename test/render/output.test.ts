import { describe, expect, test } from 'vitest';
import { collapseOutput } from '../../src/lib/render/output.ts';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');
const opts = { headLines: 3, tailLines: 2, maxChars: 10_000 };

describe('collapseOutput', () => {
  test('short output comes back whole', () => {
    const text = lines(8);
    expect(collapseOutput(text, opts)).toEqual({ head: text, middle: '', hiddenLineCount: 0, tail: '', truncated: false, omittedChars: 0 });
  });

  test('long output keeps head and tail and folds the middle', () => {
    const result = collapseOutput(lines(20), opts);
    expect(result.head).toBe('line 1\nline 2\nline 3\n');
    expect(result.tail).toBe('line 19\nline 20');
    expect(result.hiddenLineCount).toBe(15);
    expect(result.middle.split('\n')[0]).toBe('line 4');
    expect(result.head + result.middle + result.tail).toBe(lines(20));
    expect(result.truncated).toBe(false);
  });

  test('a trailing newline is not counted as a hidden line', () => {
    const result = collapseOutput(`${lines(20)}\n`, opts);
    expect(result.tail).toBe('line 19\nline 20\n');
    expect(result.hiddenLineCount).toBe(15);
  });

  test('a middle over the budget is cut and the loss reported', () => {
    const text = lines(5000);
    const result = collapseOutput(text, { headLines: 3, tailLines: 2, maxChars: 400 });
    expect(result.truncated).toBe(true);
    expect(result.middle.length).toBeLessThanOrEqual(200);
    expect(result.omittedChars).toBe(text.length - result.head.length - result.middle.length - result.tail.length);
    expect(result.hiddenLineCount).toBe(4995);
  });

  test('one enormous line is cut by characters', () => {
    const text = 'x'.repeat(100_000);
    const result = collapseOutput(text, { headLines: 20, tailLines: 20, maxChars: 1000 });
    expect(result.head.length).toBe(250);
    expect(result.tail.length).toBe(250);
    expect(result.middle.length).toBe(500);
    expect(result.truncated).toBe(true);
    expect(result.omittedChars).toBe(99_000);
  });

  test('never splits a surrogate pair', () => {
    const text = '😀'.repeat(5000);
    const result = collapseOutput(text, { headLines: 1, tailLines: 1, maxChars: 101 });
    for (const part of [result.head, result.middle, result.tail]) {
      expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  test('empty output stays empty', () => {
    expect(collapseOutput('', opts).head).toBe('');
  });
});
