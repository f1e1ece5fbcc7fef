import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { ansiToHtml, ansiToText, applyCarriageReturns, stripNonSgr } from '../../src/lib/render/ansi.ts';
import { htmlProblems } from './html-check.ts';

const ESC = '\u001B';

describe('ansiToHtml', () => {
  test('SGR colours become classes', () => {
    expect(ansiToHtml(`${ESC}[31mred${ESC}[0m plain`)).toBe('<span class=a31>red</span> plain');
  });

  test('bold, bright and background combine', () => {
    expect(ansiToHtml(`${ESC}[1;92;44mX${ESC}[0m`)).toBe('<span class="a92 a44 a1">X</span>');
  });

  test('256-colour and truecolour map to the nearest token colour, never an inline style', () => {
    expect(ansiToHtml(`${ESC}[38;5;196mA${ESC}[0m`)).toBe('<span class=a31>A</span>');
    expect(ansiToHtml(`${ESC}[38;5;250mG${ESC}[0m`)).toBe('<span class=a37>G</span>');
    const tc = ansiToHtml(`${ESC}[38;2;0;200;0mB${ESC}[0m`);
    expect(tc).toMatch(/^<span class=a(32|92)>B<\/span>$/);
    expect(tc).not.toContain('style');
  });

  test('every class it emits has a rule in session.css, background and bright included', async () => {
    const css = await readFile(new URL('../../src/styles/session.css', import.meta.url), 'utf8');
    const codes = [...[30, 37, 90, 97, 40, 47, 100, 107], 1, 2, 3, 4, 9];
    const html = ansiToHtml(codes.map((c) => `${ESC}[${c}mx${ESC}[0m`).join(''));
    const classes = [...html.matchAll(/class=(\w+)/g)].map((m) => m[1]);
    expect(classes).toEqual(codes.map((c) => `a${c}`));
    for (const cls of classes) expect(css, cls).toContain(`.${cls} {`);
  });

  test('reverse swaps the colours; hidden, which the page shows anyway, adds no class', () => {
    expect(ansiToHtml(`${ESC}[7mr${ESC}[0m${ESC}[8mh${ESC}[0m`)).toBe('<span class="a30 a47">r</span>h');
  });

  test('cursor movement, erase, OSC titles and hyperlinks are dropped', () => {
    expect(ansiToHtml(`a${ESC}[2K${ESC}[1G${ESC}]0;title\u0007b${ESC}]8;;https://x${ESC}\\c${ESC}]8;;${ESC}\\`)).toBe('abc');
    expect(ansiToHtml(`${ESC}[?25lx${ESC}[?25h`)).toBe('x');
  });

  test('a </pre><script> break-out inside command output stays text', () => {
    const html = ansiToHtml(`${ESC}[32m</pre><script>alert(1)</script>${ESC}[0m`);
    expect(html).toBe('<span class=a32>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span>');
    expect(htmlProblems(html)).toEqual([]);
  });

  test('leftover controls and bidi characters are made visible', () => {
    expect(ansiToHtml('bell\u0007 \u202Eevil')).toBe(
      'bell<span class="ctl" title="U+0007">⟨U+0007⟩</span> <span class="ctl" title="U+202E">⟨U+202E⟩</span>evil',
    );
  });

  test('an escape cut in half (output truncated mid-sequence) loses no text', () => {
    expect(ansiToHtml(`ok ${ESC}[3`)).toMatch(/^ok /);
    expect(ansiToHtml(`ok ${ESC}`)).toBe('ok <span class="ctl" title="U+001B">⟨U+001B⟩</span>');
  });
});

describe('carriage returns', () => {
  test('progress lines keep the last overwrite', () => {
    expect(applyCarriageReturns('10%\r50%\r100%\ndone')).toBe('100%\ndone');
  });

  test('CRLF is a line end, not an overwrite', () => {
    expect(applyCarriageReturns('a\r\nb')).toBe('a\nb');
  });
});

describe('ansiToText and stripNonSgr', () => {
  test('ansiToText removes every escape', () => {
    expect(ansiToText(`${ESC}[1m${ESC}[31mx${ESC}[0m${ESC}[K`)).toBe('x');
  });

  test('stripNonSgr keeps colour codes for anser', () => {
    expect(stripNonSgr(`${ESC}[31mx${ESC}[2J`)).toBe(`${ESC}[31mx`);
  });
});
