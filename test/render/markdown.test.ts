import { beforeAll, describe, expect, test } from 'vitest';
import { initHighlighter } from '../../src/lib/render/highlight.ts';
import { renderMarkdown } from '../../src/lib/render/markdown.ts';
import { LINK_REL } from '../../src/lib/render/sanitize.ts';
import { htmlProblems } from './html-check.ts';

beforeAll(() => initHighlighter());

const REL = `rel="${LINK_REL}"`;

describe('renderMarkdown: raw HTML is text', () => {
  test.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['<iframe src=evil></iframe>', '&lt;iframe src=evil&gt;&lt;/iframe&gt;'],
    ['<svg onload=alert(1)>', '&lt;svg onload=alert(1)&gt;'],
    ['<style>body{display:none}</style>', '&lt;style&gt;body{display:none}&lt;/style&gt;'],
    ['<form action=x><button>go</button></form>', '&lt;form action=x&gt;&lt;button&gt;go&lt;/button&gt;&lt;/form&gt;'],
  ])('%s', (input, escaped) => {
    const html = renderMarkdown(input);
    expect(html).toContain(escaped);
    expect(htmlProblems(html)).toEqual([]);
  });

  test('an HTML block is escaped too', () => {
    const html = renderMarkdown('<div onclick="x()">\n\nhi\n\n</div>');
    expect(html).toBe('<p>&lt;div onclick=&quot;x()&quot;&gt;</p>\n<p>hi</p>\n<p>&lt;/div&gt;</p>\n');
    expect(htmlProblems(html)).toEqual([]);
  });

  test('markup around a bare URL stays text while the URL is linked', () => {
    const html = renderMarkdown('<iframe src="https://evil.example"></iframe>');
    expect(html).toContain('&lt;iframe src=&quot;<a href="https://evil.example"');
    expect(htmlProblems(html)).toEqual([]);
  });
});

describe('renderMarkdown: links', () => {
  test('http, https and mailto links get our rel and no target', () => {
    const html = renderMarkdown('[a](https://a.example) [b](http://b.example) [c](mailto:c@example.com)');
    expect(html).toContain(`<a href="https://a.example" ${REL}>a</a>`);
    expect(html).toContain(`<a href="http://b.example" ${REL}>b</a>`);
    expect(html).toContain(`<a href="mailto:c@example.com" ${REL}>c</a>`);
    expect(html).not.toContain('target');
  });

  test.each([
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](java\tscript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](data:image/png;base64,AAAA)',
    '[x](vbscript:msgbox)',
    '[x](file:///etc/passwd)',
    '[x](./relative/page.html)',
    '[x](//evil.example/x)',
    '<javascript:alert(1)>',
    '[x][r]\n\n[r]: javascript:alert(1)',
  ])('%s is not a link', (input) => {
    const html = renderMarkdown(input);
    expect(html).not.toContain('<a ');
    expect(htmlProblems(html)).toEqual([]);
  });

  test('bare URLs are linked', () => {
    expect(renderMarkdown('see https://example.com/x for more')).toContain(`<a href="https://example.com/x" ${REL}>https://example.com/x</a>`);
  });
});

describe('renderMarkdown: images', () => {
  test('a remote image becomes a link and is never loaded', () => {
    const html = renderMarkdown('![chart](https://tracker.example/pixel.png)');
    expect(html).toBe(`<p><a href="https://tracker.example/pixel.png" ${REL} class="remote-image">Image: chart</a></p>\n`);
  });

  test('an inline data: image becomes a placeholder', () => {
    const html = renderMarkdown('![shot](data:image/png;base64,iVBORw0KGgo=)');
    expect(html).toBe('<p>[inline image: shot not shown]</p>\n');
  });

  test('javascript: in an image is never a source', () => {
    const html = renderMarkdown('![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href');
  });
});

describe('renderMarkdown: code', () => {
  test('fenced code is highlighted with classes', () => {
    const html = renderMarkdown('```python\ndef f():\n    return 1\n```');
    expect(html).toMatch(/^<pre class="code lang-python"><code><span class=/);
    expect(html).not.toContain('style=');
  });

  test('a </pre><script> break-out inside a fence stays text', () => {
    const html = renderMarkdown('```\n</code></pre><script>alert(1)</script>\n```');
    expect(html).toContain('&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;');
    expect(htmlProblems(html)).toEqual([]);
  });

  test('a hostile info string does not escape the class attribute', () => {
    const html = renderMarkdown('```"><script>alert(1)</script>\nx\n```');
    expect(html).toBe('<pre class="code lang-plain"><code>x</code></pre>\n');
  });

  test('inline code keeps markup as text', () => {
    expect(renderMarkdown('`<b>`')).toBe('<p><code>&lt;b&gt;</code></p>\n');
  });
});

describe('renderMarkdown: structure', () => {
  test('headings move down two levels so the page keeps one h1', () => {
    expect(renderMarkdown('# A\n## B\n###### F')).toBe('<h3>A</h3>\n<h4>B</h4>\n<h6>F</h6>\n');
  });

  test('table alignment uses classes, not style attributes', () => {
    const html = renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |');
    expect(html).toContain('<th class="align-center">a</th>');
    expect(html).toContain('<td class="align-right">2</td>');
    expect(html).not.toContain('style');
  });

  test('bidi overrides in prose are made visible', () => {
    expect(renderMarkdown('abc\u202Edef')).toBe('<p>abc<span class="ctl" title="U+202E">⟨U+202E⟩</span>def</p>\n');
  });

  test('breaks: true keeps typed line breaks', () => {
    expect(renderMarkdown('a\nb', { breaks: true })).toBe('<p>a<br>\nb</p>\n');
    expect(renderMarkdown('a\nb')).toBe('<p>a\nb</p>\n');
  });

  test('typographer is off: quotes and dashes are left as typed', () => {
    expect(renderMarkdown('"a" -- b...')).toBe('<p>&quot;a&quot; -- b...</p>\n');
  });
});
