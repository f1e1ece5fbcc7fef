import { describe, expect, it } from 'vitest';
import { findAsSeen, unhidden } from '../../src/lib/redact/hidden.ts';
import { createRedactorSync, PLACEHOLDER_RE } from '../../src/lib/redact/index.ts';
import { scanText } from '../../src/lib/redact/verify.ts';
import { ansiToHtml } from '../../src/lib/render/ansi.ts';
import { fakes, githubFake, leaks, planted } from './fake.ts';

const redactor = createRedactorSync({ homeDir: null, userName: null });

/** What a reader sees of `text`: its escape sequences and invisible characters gone. */
const seen = (text: string) => unhidden(text)?.text ?? text;

/** Ways a token shows whole on a page while its characters are not next to each other. */
const SPLITS: [string, (a: string, b: string) => string][] = [
  ['grep --color', (a, b) => `\u001b[01;31m\u001b[K${a}\u001b[m\u001b[K${b}`],
  ['bold in the middle', (a, b) => `${a}\u001b[1m${b}\u001b[0m`],
  ['zero-width space', (a, b) => `${a}\u200b${b}`],
  ['soft hyphen', (a, b) => `${a}\u00ad${b}`],
  ['word joiner and BOM', (a, b) => `${a}\u2060\ufeff${b}`],
  ['OSC 8 link', (a, b) => `${a}\u001b]8;;https://x.test\u0007${b}\u001b]8;;\u0007`],
];

describe('redact: tokens split by what a reader does not see', () => {
  for (const [how, split] of SPLITS) {
    for (const f of fakes()) {
      it(`hides ${f.kind} split by ${how}`, () => {
        const cut = f.value.indexOf(f.random) + Math.floor(f.random.length / 2);
        const value = split(f.value.slice(0, cut), f.value.slice(cut));
        const out = redactor.redact(`$ grep -r token .\n${planted({ ...f, value })}\nexit 0`);
        expect(leaks(seen(out), f.random)).toEqual([]);
        expect(out).toMatch(PLACEHOLDER_RE);
        expect(out.startsWith('$ grep -r token .\n')).toBe(true);
        expect(out.endsWith('\nexit 0')).toBe(true);
      });
    }
  }

  it('reads a short text whole when hidden characters break its token into short runs', () => {
    for (const f of fakes().filter((x) => x.kind !== 'private-key')) {
      const value = f.value.replace(/.{6}/g, '$&\u200b');
      const out = redactor.redact(planted({ ...f, value }));
      expect(leaks(seen(out), f.random), f.kind).toEqual([]);
    }
  });

  it('covers the whole token in the text as written, hidden parts inside it included', () => {
    const f = githubFake();
    const text = `a ${f.value.slice(0, 10)}\u200b${f.value.slice(10)} b`;
    const found = findAsSeen(() => [], text);
    expect(found).toEqual([]);
    const spans = findAsSeen((t) => (t.includes(f.value) ? [{ start: t.indexOf(f.value), end: t.indexOf(f.value) + f.value.length, rule: 'x', priority: 1 }] : []), text);
    expect(spans).toEqual([{ start: 2, end: 2 + f.value.length + 1, rule: 'x', priority: 1 }]);
  });

  it('hides a token a colour code is glued to', () => {
    for (const f of fakes().filter((x) => !x.context)) {
      const out = redactor.redact(`\u001b[1;31m${f.value}\u001b[0m and \u001b[32m${f.value}\u001b[0m`);
      expect(leaks(seen(out), f.random), f.kind).toEqual([]);
    }
  });

  it('never loses a token that the text as written shows, whatever the escape sequences around it', () => {
    // From the hostile home: a one-byte CSI, then JSON's \n glued to the token. Read as a
    // terminal would, the CSI swallows the token's first letter; read as written, it is there.
    const f = githubFake();
    const out = redactor.redact(`del c1\u009b\\n${f.value} and \u001b[ ${f.value}`);
    expect(leaks(out, f.random)).toEqual([]);
  });

  it('is idempotent and leaves text without hidden characters alone', () => {
    const f = githubFake();
    const text = `x \u001b[31m${f.value.slice(0, 8)}\u001b[0m${f.value.slice(8)} y`;
    const once = redactor.redact(text);
    expect(redactor.redact(once)).toBe(once);
    expect(unhidden('plain text, colour-free')).toBeNull();
    expect(redactor.redact('\u001b[32mok\u001b[0m 12 passed')).toBe('\u001b[32mok\u001b[0m 12 passed');
  });

  it('maps every kept character back to its place', () => {
    const text = 'a\u001b[1mb\u200bc\u001b]0;title\u0007d';
    const u = unhidden(text)!;
    expect(u.text).toBe('abcd\n');
    expect([...u.at].slice(0, 4).map((i) => text[i])).toEqual(['a', 'b', 'c', 'd']);
    // Only the lines where something splits a token are read again.
    const log = `\u001b[32mok\u001b[0m test 1\nplain\nfound ${text}\n\u001b[32mok\u001b[0m test 2`;
    expect(unhidden(log)!.text).toBe('found abcd\n');
    expect(unhidden('\u001b[32mok\u001b[0m 12 passed\n\u001b[31mFAIL\u001b[0m 1')).toBeNull();
  });
});

describe('verifier: tokens split in the published page', () => {
  const f = githubFake();
  const a = f.value.slice(0, 14);
  const b = f.value.slice(14);

  it('finds a token that colour spans split, as the page shows it', () => {
    for (const [how, split] of SPLITS.filter(([name]) => name.includes('grep') || name.includes('bold'))) {
      const html = `<pre>${ansiToHtml(`first line\n${split(a, b)}\nlast line`)}</pre>`;
      expect(html, how).toMatch(/<span class="?a\d/);
      expect([...new Set(scanText(html, 's/x/index.html').map((x) => x.line))], how).toEqual([2]);
    }
  });

  it('finds a token that an invisible character splits, written or as an entity', () => {
    expect(scanText(`<p>${a}\u200b${b}</p>`, 'p.html')).not.toEqual([]);
    expect(scanText(`<p>${a}&shy;${b}</p>`.replace('&shy;', '&#173;'), 'p.html')).not.toEqual([]);
  });

  it('does not join text across other markup', () => {
    expect(scanText(`<td>${a}</td><td>${b}</td>`, 't.html')).toEqual([]);
  });
});

describe('redact: tokens split by markdown that renders as nothing', () => {
  const f = githubFake();
  const [a, b] = [f.value.slice(0, 12), f.value.slice(12)];
  it.each([
    ['bold inside', `use ${a}**${b}** now`],
    ['emphasis inside', `use ${a}*${b}* now`],
    ['strike inside', `use ${a}~~${b}~~ now`],
    ['escaped underscore', `use ${f.value.replace('_', '\\_')} now`],
    ['character reference', `use &#${f.value.charCodeAt(0)};${f.value.slice(1)} now`],
    ['hex character reference', `use &#x${f.value.charCodeAt(0).toString(16)};${f.value.slice(1)} now`],
    ['JSON unicode escape', `use \\u00${f.value.charCodeAt(0).toString(16)}${f.value.slice(1)} now`],
  ])('hides a token with %s', (_how, text) => {
    const out = redactor.redact(text);
    expect(leaks(out, f.random)).toEqual([]);
    expect(out).toMatch(/^use \[REDACTED:[a-z0-9._/-]+\]\S* now$/);
  });

  it('hides a token that markdown splits next to - . / + = too, and a code span\'s edge', () => {
    for (const f of fakes().filter((x) => !x.context && x.kind !== 'private-key')) {
      const mid = f.value.indexOf(f.random) + 6;
      for (const text of [
        `${f.value.slice(0, mid)}**${f.value.slice(mid)}**`,
        `\`${f.value.slice(0, mid)}\`${f.value.slice(mid)}`,
        f.value.replace(/-/g, '\\-'),
      ]) {
        expect(leaks(seen(redactor.redact(`use ${text} now`)), f.random), `${f.kind}: ${text.slice(0, 24)}`).toEqual([]);
      }
    }
  });

  it('reads the lines after an escape sequence that never ends', () => {
    const f = githubFake();
    const text = `x\u200by \u001b]0;title\n${f.value.slice(0, 10)}\u200b${f.value.slice(10)}`;
    expect(leaks(seen(redactor.redact(text)), f.random)).toEqual([]);
  });

  it('stays fast on hostile runs of escapes, references and markup', () => {
    for (const text of ['\u001b]!'.repeat(40_000), '&#xg\n'.repeat(20_000), ('\u001b[' + '0'.repeat(40)).repeat(20_000), 'a*'.repeat(200_000), 'a\u200b'.repeat(200_000)]) {
      const start = performance.now();
      unhidden(text);
      expect(performance.now() - start, text.slice(0, 8)).toBeLessThan(1000);
    }
  });

  it('leaves markdown alone where it splits no token', () => {
    for (const text of ['a **bold** word, 2*3*4, snake\\_case and &#169; 2026', 'x = a*b + c**2']) expect(redactor.redact(text)).toBe(text);
  });
});
