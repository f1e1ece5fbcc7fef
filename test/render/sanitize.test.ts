/**
 * The quick allowlist check may only pass HTML that sanitize-html would keep as it is (up to how
 * it writes the same elements back out); anything else must go through sanitize-html.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import sanitizeHtml from 'sanitize-html';
import { beforeAll, describe, expect, test } from 'vitest';
import { initHighlighter } from '../../src/lib/render/highlight.ts';
import { renderMarkdown } from '../../src/lib/render/markdown.ts';
import { LINK_REL, sanitize, sanitizeFully, withinAllowlist } from '../../src/lib/render/sanitize.ts';


import { CORPUS } from '../corpus.ts';
import { htmlProblems } from './html-check.ts';

beforeAll(() => initHighlighter());

/** sanitize-html with nothing disallowed: the same parse and serialisation, no filtering. */
function reserialise(html: string): string {
  return sanitizeHtml(html, { allowedTags: false, allowedAttributes: false, allowVulnerableTags: true });
}

const REL = `rel="${LINK_REL}"`;

describe('withinAllowlist', () => {
  test.each([
    '<p>plain &amp; simple &lt;b&gt; &quot;quoted&quot; it&#39;s</p>\n',
    `<p><a href="https://example.com/?a=1&amp;b=2" ${REL}>x</a></p>`,
    `<a href="mailto:a@example.com" ${REL} class="remote-image">m</a>`,
    '<pre class="code lang-bash"><code><span class=k>ls</span> <span class="l9 d8">-la</span></code></pre>',
    '<ol start="3"><li>a<br></li></ol><hr>',
    '<table><thead><tr><th class="align-left">h</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>',
    '<p><span class="ctl" title="U+202E">⟨U+202E⟩</span></p>',
  ])('vouches for renderer output: %s', (html) => {
    expect(withinAllowlist(html)).toBe(true);
    expect(sanitize(html)).toBe(html);
    expect(reserialise(html)).toBe(sanitizeFully(html));
  });

  test.each([
    ['a forbidden element', '<p><script>alert(1)</script></p>'],
    ['an image', '<img src="https://x.example/a.png">'],
    ['an event handler', '<span onclick="x()">a</span>'],
    ['a style attribute', '<p style="color:red">a</p>'],
    ['a title where only span may have one', '<p title="x">a</p>'],
    ['a javascript: link', `<a href="javascript:alert(1)" ${REL}>x</a>`],
    ['a bare javascript: link', `<a href=javascript:alert(1) ${REL}>x</a>`],
    ['an entity-spelled scheme', `<a href="&#106;avascript:alert(1)" ${REL}>x</a>`],
    ['a link with spaces before its scheme', `<a href=" https://x.example" ${REL}>x</a>`],
    ['a protocol-relative link', `<a href="//x.example" ${REL}>x</a>`],
    ['a link without our rel', '<a href="https://x.example">x</a>'],
    ['a link with another rel', '<a href="https://x.example" rel="opener">x</a>'],
    ['a target', `<a href="https://x.example" ${REL} target="_blank">x</a>`],
    ['a duplicated attribute', '<span class="a" class="b">x</span>'],
    ['a non-numeric start', '<ol start="1;x"><li>a</li></ol>'],
    ['an unclosed element', '<p>a'],
    ['elements closed out of order', '<p><em>a</p></em>'],
    ['a stray closing tag', 'a</p>'],
    ['a stray angle bracket', '<p>a < b</p>'],
    ['a bare ampersand', '<p>a & b</p>'],
    ['an entity we never write', '<p>&nbsp;</p>'],
    ['an upper-case element', '<P>a</P>'],
    ['a comment', '<!-- x --><p>a</p>'],
    ['an unquoted value with markup characters', '<span class=a"b>x</span>'],
    ['a single-quoted value', "<span class='a'>x</span>"],
    ['an attribute on a closing tag', '<p>a</p class="x">'],
    // A browser splits tags on space, tab, LF, FF and CR only: after any other space it reads on.
    ['a rel that is part of another name', `<a href="https://x.example"\u00a0${REL}>x</a>`],
    ['an end tag with a name a browser reads on', `<p><a href="https://x.example" ${REL}>x</a\u00a0> rest</p>`],
    ['an element a browser names otherwise', '<p\ufeff>x</p>'],
    ['a bare value a browser reads on', '<span class=x\u2028title="y">a</span>'],
    ['a tag that ends in an attribute a browser sees', '<span class="k"\u00a0>a</span>'],
  ])('leaves %s to sanitize-html', (_what, html) => {
    expect(withinAllowlist(html)).toBe(false);
    expect(htmlProblems(sanitize(html))).toEqual([]);
  });

  /*
   * Tag soup from allowed and forbidden pieces. Whenever the check vouches for a string,
   * sanitize-html must change nothing but how it writes the same markup back out.
   */
  const TAGS = ['p', 'em', 'span', 'a', 'ol', 'li', 'br', 'code', 'pre', 'script', 'img', 'div', 'P'];
  const ATTRS = [
    'class="k"', 'class=k', 'class="a b"', 'title="t"', 'start="2"', 'start="x"', REL, 'rel="x"',
    'href="https://x.example/?a&amp;b"', 'href="http://x"', 'href="mailto:m"', 'href="javascript:x"',
    'href=javascript:x', 'href="&#106;avascript:x"', 'href="data:text/html,x"', 'onclick="x"',
    'style="x"', 'target="_blank"', 'class="&quot;"', 'title="a&b"', "class='k'", 'class=""',
  ];
  // HTML's own whitespace, mostly a space, and characters only JavaScript's \s calls whitespace.
  const SPACES = [' ', ' ', ' ', ' ', '\t', '\n', '\f', '\r', '\u00a0', '\u000b', '\ufeff', '\u2028', '\u3000'];
  const piece = fc.oneof(
    fc
      .tuple(fc.constantFrom(...TAGS), fc.array(fc.tuple(fc.constantFrom(...SPACES), fc.constantFrom(...ATTRS)), { maxLength: 3 }), fc.constantFrom('', ...SPACES))
      .map(([t, attrs, end]) => `<${t}${attrs.map(([space, a]) => space + a).join('')}${end}>`),
    fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom('', ...SPACES)).map(([t, end]) => `</${t}${end}>`),
    fc.constantFrom('a', ' ', '\n', '&amp;', '&lt;', '&quot;', '&#39;', '&', '<', '>', '"', '&nbsp;', '<!--', '-->', '\u202E'),
  );
  const soup = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

  test('vouches only for what sanitize-html keeps', () => {
    let vouched = 0;
    fc.assert(
      fc.property(soup, (html) => {
        if (!withinAllowlist(html)) return;
        vouched++;
        expect(reserialise(html)).toBe(sanitizeFully(html));
        expect(htmlProblems(html)).toEqual([]);
      }),
      { numRuns: 3000, seed: 5 },
    );
    // The property says nothing if the check never vouches.
    expect(vouched).toBeGreaterThan(100);
  });
});

describe('renderMarkdown through the allowlist', () => {
  test('what markdown-it writes for real sessions passes the quick check and loses nothing', () => {
    let blocks = 0;
    for (const { text } of corpusMarkdown()) {
      const html = renderMarkdown(text);
      blocks++;
      expect(withinAllowlist(html), html.slice(0, 200)).toBe(true);
      expect(reserialise(html)).toBe(sanitizeFully(html));
    }
    expect(blocks).toBeGreaterThan(100);
  });
});

/** Message and reasoning-summary text from the corpus's rollouts: the markdown Codex really writes. */
function* corpusMarkdown(): Generator<{ text: string }> {
  const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl'));
  for (const file of files) {
    for (const line of readFileSync(path.join(CORPUS, file), 'utf8').split('\n')) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      yield* markdownOf((record.payload as Record<string, unknown> | undefined) ?? record);
    }
  }
}

function* markdownOf(p: Record<string, unknown>): Generator<{ text: string }> {
  if (p.type === 'message' && Array.isArray(p.content)) {
    for (const c of p.content as { text?: unknown }[]) if (typeof c.text === 'string') yield { text: c.text };
  } else if (p.type === 'reasoning' && Array.isArray(p.summary)) {
    for (const s of p.summary as { text?: unknown }[]) if (typeof s.text === 'string') yield { text: s.text };
  }
}
