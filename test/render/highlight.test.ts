import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { highlight, highlightCode, initHighlighter, langForPath, PAIR_CLASSES, resolveLang, shikiCss } from '../../src/lib/render/highlight.ts';
import { htmlProblems } from './html-check.ts';

beforeAll(() => initHighlighter());

describe('resolveLang', () => {
  test.each([
    ['sh', 'bash'], ['zsh', 'bash'], ['ts', 'typescript'], ['TSX', 'tsx'], ['py', 'python'], ['rs', 'rust'],
    ['yml', 'yaml'], ['c++', 'cpp'], ['patch', 'diff'], ['json {title="x"}', 'json'],
  ])('%s → %s', (lang, grammar) => {
    expect(resolveLang(lang)).toBe(grammar);
  });

  test('file paths map to grammars by extension', () => {
    expect(langForPath('src/a.test.ts')).toBe('typescript');
    expect(langForPath('C:\\repo\\main.rs')).toBe('rust');
    expect(langForPath('Makefile')).toBeNull();
    expect(langForPath('.env')).toBeNull();
  });

  test('unknown and empty languages are plain text', () => {
    expect(resolveLang('brainfuck')).toBeNull();
    expect(resolveLang('')).toBeNull();
    expect(resolveLang(null)).toBeNull();
  });
});

describe('highlight', () => {
  test('colours with classes, never inline styles', () => {
    const html = highlight('const x = "a";', 'ts');
    expect(html).toMatch(/^<pre class="code lang-typescript"><code>/);
    expect(html).toContain('<span class=k>const </span>');
    expect(html).not.toContain('style=');
  });

  test('a </pre><script> break-out inside code stays text', () => {
    const html = highlight('echo "</pre><script>alert(1)</script>"', 'bash');
    expect(htmlProblems(html)).toEqual([]);
    expect(html).toContain('&lt;/pre&gt;');
    expect(html).not.toContain('</pre><script>');
  });

  test('the fence language never reaches the markup', () => {
    const html = highlight('x', '"><script>alert(1)</script>');
    expect(html).toBe('<pre class="code lang-plain"><code>x</code></pre>');
  });

  test('bidi overrides inside code are made visible', () => {
    expect(highlight('let a = "\u202E"', 'js')).toContain('<span class="ctl" title="U+202E">⟨U+202E⟩</span>');
  });

  test('unknown languages and oversized input fall back to escaped text', () => {
    expect(highlightCode('<b>', 'cobol')).toBe('&lt;b&gt;');
    const big = 'x'.repeat(100_001);
    expect(highlightCode(big, 'ts')).toBe(big);
  });

  test('very long lines are left uncoloured, other lines still highlighted', () => {
    const long = `const a = "${'x'.repeat(2_100)}";`;
    const html = highlightCode(`${long}\nconst b = 1;`, 'ts');
    const [first, second] = html.split('\n');
    expect(first).toBe(long.replace(/"/g, '&quot;'));
    expect(second).toMatch(/^<span class=k>/);
  });

  test('repeated input comes from the cache with the same result', () => {
    const a = highlightCode('fn main() {}', 'rust');
    expect(highlightCode('fn main() {}', 'rust')).toBe(a);
  });

  test('every class it emits has a rule in shiki.css', async () => {
    const css = await readFile(new URL('../../src/styles/shiki.css', import.meta.url), 'utf8');
    const html = ['ts', 'bash', 'python', 'rust', 'json', 'diff', 'yaml', 'css', 'html', 'sql', 'go', 'java', 'cpp', 'toml', 'markdown']
      .map((lang) => highlightCode('// c\nconst a = "s" + 1; def f(): return None\n-x\n+y\n# h\n<a b="c">', lang))
      .join('');
    const classes = new Set([...html.matchAll(/class=(?:"([^"]+)"|([\w-]+))/g)].flatMap((m) => (m[1] ?? m[2])!.split(' ')));
    expect(classes.size).toBeGreaterThan(5);
    for (const cls of classes) expect(css, cls).toContain(`.${cls} {`);
  });
});

describe('colour pair classes', () => {
  test('the two themes list the same scopes in the same order, so a token takes one rule in both', async () => {
    const [light, dark] = await Promise.all([import('@shikijs/themes/github-light-default'), import('@shikijs/themes/github-dark-default')]);
    const scopes = (theme: { default: { tokenColors?: Array<{ scope?: unknown }> } }) => (theme.default.tokenColors ?? []).map((r) => JSON.stringify(r.scope));
    expect(scopes(light)).toEqual(scopes(dark));
  });

  test('every colour pair of the themes has its own class', async () => {
    const [light, dark] = await Promise.all([import('@shikijs/themes/github-light-default'), import('@shikijs/themes/github-dark-default')]);
    const l = light.default.tokenColors ?? [];
    const d = dark.default.tokenColors ?? [];
    const known = new Set(PAIR_CLASSES.map(([lc, dc]) => `${lc}/${dc}`));
    const defaults = `${light.default.colors!['editor.foreground']!.toLowerCase()}/${dark.default.colors!['editor.foreground']!.toLowerCase()}`;
    for (const [i, rule] of l.entries()) {
      const lc = rule.settings.foreground?.toLowerCase();
      const dc = d[i]!.settings.foreground?.toLowerCase();
      if (!lc || !dc || `${lc}/${dc}` === defaults) continue;
      expect(known, `${lc}/${dc}`).toContain(`${lc}/${dc}`);
    }
    expect(new Set(PAIR_CLASSES.map((p) => p[2])).size).toBe(PAIR_CLASSES.length);
  });

  test('tokens take one unquoted class; italic and bold add theirs', () => {
    expect(highlightCode('fn main() {}', 'rust')).toBe('<span class=k>fn </span><span class=f>main</span>() {}');
    expect(highlightCode('*a* **b**', 'markdown')).toBe('<span class=fi>*a* </span><span class=fb>**b**</span>');
    expect(highlightCode('{a: 1}', 'json')).toBe('{<span class="e fi">a</span>: <span class=c>1</span>}');
  });
});

describe('shiki.css', () => {
  test('is up to date (regenerate with `npx node scripts/gen-shiki-css.mjs`)', async () => {
    const css = await readFile(new URL('../../src/styles/shiki.css', import.meta.url), 'utf8');
    expect(css).toBe(await shikiCss());
  });

  test('covers light, system dark and forced dark', async () => {
    const css = await shikiCss();
    expect(css).toContain('@media (prefers-color-scheme: dark)');
    expect(css).toContain(':root:not([data-theme="light"]) .code .d0');
    expect(css).toContain(':root[data-theme="dark"] .code .d0');
    expect(css).not.toMatch(/url\(|@import/);
  });
});
