/**
 * Whatever text a session holds, the renderers never emit a script element, an event handler
 * attribute or a javascript: URL. Inputs are biased towards the characters and fragments that
 * matter for HTML and markdown so the search is not wasted on plain letters.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { ansiToHtml } from '../../src/lib/render/ansi.ts';
import { escapeHtml, visibleControls } from '../../src/lib/render/escape.ts';
import { highlight, initHighlighter } from '../../src/lib/render/highlight.ts';
import { renderMarkdown } from '../../src/lib/render/markdown.ts';
import { htmlProblems } from './html-check.ts';

beforeAll(() => initHighlighter());

const FRAGMENTS = [
  '<', '>', '"', "'", '&', '`', '```', '\n', ' ', '[', ']', '(', ')', '!', '*', '_', '#', '|', ':', '/', '\\',
  '<script>', '</script>', '<img src=x onerror=alert(1)>', 'javascript:', 'JaVaScRiPt:', 'data:text/html,',
  'onload=', 'onerror=', '<svg', '<iframe', '<style>', '</pre>', '</code>', '&#106;', '&colon;', 'https://',
  'mailto:', '\u001B[31m', '\u001B[0m', '\u001B]8;;', '\u0007', '\u202E', '\u2066', '\r', '\t', '    ',
];

const hostile = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

const PARAMS = { numRuns: 400 };

function assertSafe(html: string) {
  expect(htmlProblems(html)).toEqual([]);
  expect(html.toLowerCase()).not.toContain('<script');
}

describe('renderers never emit script', () => {
  test('escapeHtml output parses to text only', () => {
    fc.assert(fc.property(hostile, (s) => {
      const html = escapeHtml(s);
      assertSafe(html);
      expect(html).not.toMatch(/[<>"']/);
    }), PARAMS);
  });

  test('visibleControls output has no other markup than its markers', () => {
    fc.assert(fc.property(hostile, (s) => {
      const html = visibleControls(s);
      assertSafe(html);
      expect(html.replace(/<span class="ctl" title="U\+[0-9A-F]{4}">⟨U\+[0-9A-F]{4}⟩<\/span>/g, '')).not.toMatch(/[<>]/);
    }), PARAMS);
  });

  test('renderMarkdown', () => {
    fc.assert(fc.property(hostile, (s) => assertSafe(renderMarkdown(s))), PARAMS);
    fc.assert(fc.property(hostile, (s) => assertSafe(renderMarkdown(s, { breaks: true }))), PARAMS);
  });

  test('ansiToHtml', () => {
    fc.assert(fc.property(hostile, (s) => assertSafe(ansiToHtml(s))), PARAMS);
  });

  test('highlight', () => {
    fc.assert(fc.property(hostile, fc.constantFrom('bash', 'json', 'ts', 'html', 'markdown', null), (s, lang) => assertSafe(highlight(s, lang))), { numRuns: 200 });
  });

  test('arbitrary unicode strings too', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      assertSafe(renderMarkdown(s));
      assertSafe(ansiToHtml(s));
    }), PARAMS);
  });
});
