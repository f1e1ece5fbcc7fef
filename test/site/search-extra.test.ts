import { describe, expect, it } from 'vitest';
import { SEARCH_EXTRA_SLOT, withSearchExtra } from '../../src/integration/search-extra.ts';
import { sessionDigest, words } from '../../src/integration/offline-index.ts';

describe('search slot', () => {
  it('fills the empty slot with escaped words, only in the indexed copy', () => {
    const page = `<div data-pagefind-body><p>seen</p>${SEARCH_EXTRA_SLOT}</div>`;
    expect(withSearchExtra(page, 'deep words $& <b>')).toBe(
      '<div data-pagefind-body><p>seen</p><span data-search-extra hidden data-pagefind-weight="0.2" data-pagefind-meta="digest:4">deep words $&amp; &lt;b&gt;</span></div>',
    );
  });
});

describe('word digest', () => {
  it('normalises words and keeps each once, most important first, within the cap', () => {
    expect(words('Café ÜBER-fast_path x 42')).toEqual(['cafe', 'uber', 'fast', 'path', '42']);
    // Colour codes are not part of the words they colour (pytest's green PASSED, red FAILED).
    expect(words('\x1b[32mPASSED\x1b[0m \x1b[1;31mFAILED\x1b[0m\x1b]8;;http://x\x07link\x1b]8;;\x07')).toEqual(['passed', 'failed', 'link']);
    const session = {
      title: 'Fix the build',
      threadName: null,
      cwd: '/work/app',
      turns: [
        {
          items: [
            { kind: 'shell', command: 'cargo build', output: 'error zanzibarquokka build' },
            { kind: 'user_message', text: 'Fix the build please' },
          ],
        },
      ],
    } as never;
    expect(sessionDigest(session)).toBe('fix the build work app please cargo error zanzibarquokka');
    expect(sessionDigest(session, 20)).toBe('fix the build work');
  });

  it('leaves out a fork\'s copied turns, which the page folds away', () => {
    const fork = {
      title: 'Make it stream',
      threadName: null,
      cwd: null,
      turns: [
        { inherited: true, items: [{ kind: 'user_message', text: 'copied quokkaword' }] },
        { inherited: false, items: [{ kind: 'user_message', text: 'now stream it' }] },
      ],
    } as never;
    expect(sessionDigest(fork)).toBe('make it stream now');
  });
});
