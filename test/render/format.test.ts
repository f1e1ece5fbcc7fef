import { describe, expect, test } from 'vitest';
import { formatClock, formatCount, formatDateTime, formatDuration, formatTokens, machineTime, plural, shortCommit } from '../../src/lib/render/format.ts';

describe('formatDuration', () => {
  test.each([
    [0, '0 ms'], [850, '850 ms'], [1234, '1.2 s'], [9999, '9.9 s'], [42_000, '42 s'], [60_000, '1 min'],
    [125_000, '2 min 5 s'], [3_600_000, '1 h'], [3_780_000, '1 h 3 min'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('missing, negative and non-finite durations have no text', () => {
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(-5)).toBeNull();
    expect(formatDuration(Number.NaN)).toBeNull();
  });
});

describe('times', () => {
  test('dates are shown in UTC whatever the machine zone', () => {
    expect(formatDateTime('2026-03-04T05:06:07.891+02:00')).toBe('2026-03-04 03:06:07 UTC');
    expect(formatClock('2026-03-04T05:06:07Z')).toBe('05:06:07');
    expect(machineTime('2026-03-04T05:06:07Z')).toBe('2026-03-04T05:06:07.000Z');
  });

  test('unreadable dates are passed through or dropped, never thrown', () => {
    expect(formatDateTime('yesterday-ish')).toBe('yesterday-ish');
    expect(formatClock('nope')).toBeNull();
    expect(machineTime(null)).toBeNull();
  });
});

describe('counts', () => {
  test('English grouping and plurals', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(plural(1, 'line')).toBe('1 line');
    expect(plural(2, 'line')).toBe('2 lines');
  });

  test('tokens list only the parts that are there', () => {
    expect(formatTokens({ input: 1000, cachedInput: 0, output: 20, reasoningOutput: 0, total: 1020 })).toBe('1,020 tokens (1,000 in, 20 out)');
    expect(formatTokens(null)).toBeNull();
  });

  test('commit hashes are shortened, other refs are not', () => {
    expect(shortCommit('0123456789abcdef0123')).toBe('0123456789');
    expect(shortCommit('HEAD')).toBe('HEAD');
  });
});
