import { describe, expect, test } from 'vitest';
import { escapeHtml, hasControls, safeText, visibleControls } from '../../src/lib/render/escape.ts';

describe('escapeHtml', () => {
  test('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('leaves other text alone', () => {
    expect(escapeHtml('plain ünïcode ✓ text')).toBe('plain ünïcode ✓ text');
  });
});

describe('visibleControls', () => {
  test('marks a right-to-left override instead of letting it reorder text', () => {
    expect(visibleControls('a\u202Eb')).toBe('a<span class="ctl" title="U+202E">⟨U+202E⟩</span>b');
  });

  test.each([
    ['\u0000', 'U+0000'],
    ['\u0007', 'U+0007'],
    ['\u001B', 'U+001B'],
    ['\u007F', 'U+007F'],
    ['\u009B', 'U+009B'],
    ['\u061C', 'U+061C'],
    ['\u200E', 'U+200E'],
    ['\u200F', 'U+200F'],
    ['\u202A', 'U+202A'],
    ['\u202D', 'U+202D'],
    ['\u2066', 'U+2066'],
    ['\u2069', 'U+2069'],
    ['\r', 'U+000D'],
  ])('marks %j as %s', (char, name) => {
    expect(visibleControls(char)).toBe(`<span class="ctl" title="${name}">⟨${name}⟩</span>`);
  });

  test('keeps tab and newline', () => {
    expect(visibleControls('a\tb\nc')).toBe('a\tb\nc');
  });

  test('escapes before marking, so markup around controls stays text', () => {
    expect(visibleControls('<b>\u202E</b>')).toBe('&lt;b&gt;<span class="ctl" title="U+202E">⟨U+202E⟩</span>&lt;/b&gt;');
  });

  test('hasControls agrees with visibleControls', () => {
    expect(hasControls('plain')).toBe(false);
    expect(hasControls('x\u2067')).toBe(true);
    expect(hasControls('x\u2067')).toBe(true);
  });
});

describe('safeText', () => {
  test('folds CRLF to LF and keeps a lone CR visible', () => {
    expect(safeText('a\r\nb\rc')).toBe('a\nb<span class="ctl" title="U+000D">⟨U+000D⟩</span>c');
  });
});
