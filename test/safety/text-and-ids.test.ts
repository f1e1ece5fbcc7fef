/**
 * Properties of the two helpers the hostile build needed: `showControls` (plain-text markers for
 * control and bidi characters in titles and names) and `sessionSlug` on ids that differ only in
 * case. The escapers and the redactor have their own properties in test/render and test/redact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionSlug } from '../../src/integration/utils/slug.ts';
import { showControls } from '../../src/lib/render/escape.ts';

const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const text = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('\u202E', '\u2066', '\u2069', '\u200F', '\u0000', '\u001b', '\u009b', '\u007f', '\t', '\n', '⟨U+202E⟩')), { maxLength: 20 }).map((a) => a.join(''));

describe('showControls', () => {
  it('leaves no control or bidi character, only markers, and is stable', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = showControls(s);
        expect(out).not.toMatch(CONTROLS);
        expect(showControls(out)).toBe(out);
        // Removing the markers and the controls from the input gives the same text.
        expect(out.replace(/⟨U\+[0-9A-F]{4}⟩/g, '')).toBe(s.replace(new RegExp(CONTROLS.source, 'g'), '').replace(/⟨U\+[0-9A-F]{4}⟩/g, ''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sessionSlug', () => {
  it('keeps ids that differ only in case apart on a case-insensitive file system', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        const variants = [...new Set([s, s.toLowerCase(), s.toUpperCase()])];
        const slugs = variants.map((v) => sessionSlug(v).toLowerCase());
        expect(new Set(slugs).size).toBe(variants.length);
      }),
      { numRuns: 300 },
    );
    expect(sessionSlug('0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee')).toBe('0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee');
    expect(sessionSlug('0199aaaa-bbbb-7ccc-8ddd-EEEEEEEEEEEE')).toMatch(/^0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee-[0-9a-f]{8}$/);
  });

  it('never names a folder after a Windows device', () => {
    for (const id of ['CON', 'con', 'Nul', 'aux', 'com1', 'LPT9', 'prn']) expect(sessionSlug(id)).toMatch(/-[0-9a-f]{8}$/);
  });
});
