import { describe, expect, it } from 'vitest';
import { titleHtml, titlePieces, titleText } from '../../src/lib/render/title.ts';

describe('titlePieces', () => {
  it('splits a title into plain text and code spans', () => {
    expect(titlePieces('Fix `parseLine` in `reader.ts` today')).toEqual([
      { text: 'Fix ', code: false },
      { text: 'parseLine', code: true },
      { text: ' in ', code: false },
      { text: 'reader.ts', code: true },
      { text: ' today', code: false },
    ]);
  });

  it('keeps a title without backticks whole', () => {
    expect(titlePieces('Speed up the cache')).toEqual([{ text: 'Speed up the cache', code: false }]);
  });

  it('matches runs of the same length, so a span can hold a backtick', () => {
    expect(titlePieces('Quote `` a`b `` here')).toEqual([
      { text: 'Quote ', code: false },
      { text: 'a`b', code: true },
      { text: ' here', code: false },
    ]);
  });

  it('leaves a lone backtick as text', () => {
    expect(titlePieces("Why does ` break the shell")).toEqual([{ text: 'Why does ` break the shell', code: false }]);
    expect(titlePieces('Unbalanced ``x` run')).toEqual([{ text: 'Unbalanced ``x` run', code: false }]);
  });

  it('closes a span that the title cut lost the end of, before the ellipsis', () => {
    expect(titlePieces('Match dates like `2026-04-02` and timestamps like `2026-04-02T19:58:4…')).toEqual([
      { text: 'Match dates like ', code: false },
      { text: '2026-04-02', code: true },
      { text: ' and timestamps like ', code: false },
      { text: '2026-04-02T19:58:4', code: true },
      { text: '…', code: false },
    ]);
  });

  it('does not invent a span in an uncut title', () => {
    expect(titlePieces('A lone ` then more')).toEqual([{ text: 'A lone ` then more', code: false }]);
  });
});

describe('titleHtml', () => {
  it('escapes both kinds of piece and wraps code in <code>', () => {
    expect(titleHtml('Render `<script>alert(1)</script>` & <b>bold</b>')).toBe(
      'Render <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> &amp; &lt;b&gt;bold&lt;/b&gt;',
    );
  });

  it('shows control and bidi characters inside code spans too', () => {
    expect(titleHtml('Check `a\u202Eb`')).toBe('Check <code>a<span class="ctl" title="U+202E">⟨U+202E⟩</span>b</code>');
  });
});

describe('titleText', () => {
  it('drops the backticks for the browser tab', () => {
    expect(titleText('Fix `parseLine` in `reader.ts`')).toBe('Fix parseLine in reader.ts');
  });
});
