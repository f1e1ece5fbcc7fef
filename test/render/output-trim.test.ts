import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GAP_RE, gapMarker, gapNoteHtml, trimOutput, trimSessionOutputs } from '../../src/lib/render/output-trim.ts';
import { outputView } from '../../src/lib/render/view-model.ts';

const log = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}: ${'x'.repeat(30)}`).join('\n') + '\n';

describe('trimOutput', () => {
  it('keeps short text as it is', () => {
    expect(trimOutput('ok\n', 4000)).toEqual({ text: 'ok\n', gap: null });
  });

  it('keeps whole lines of head and tail around one gap marker counting what was left out', () => {
    const text = log(1000);
    const { text: out, gap } = trimOutput(text, 4000);
    expect(out.length).toBeLessThanOrEqual(4000 + 20);
    expect(out.startsWith('line 0: ')).toBe(true);
    expect(out.endsWith('line 999: ' + 'x'.repeat(30) + '\n')).toBe(true);
    const [head, tail] = out.split(/\uFDD0\d+:\d+\uFDD0\n/);
    expect(head!.endsWith('\n') && tail!.startsWith('line ')).toBe(true);
    // What was kept plus what the marker counts is the whole text.
    expect(head!.length + tail!.length + gap!.chars).toBe(text.length);
    expect(gap!.lines).toBe(text.slice(head!.length, text.length - tail!.length).split('\n').length - 1);
  });

  it('cuts one huge line by characters, never inside a surrogate pair', () => {
    const text = '😀'.repeat(10_000);
    const { text: out, gap } = trimOutput(text, 4001);
    expect(gap!.lines).toBe(0);
    expect(out.replace(GAP_RE, '')).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('cuts a long line between words, so no piece of a token is published', () => {
    const token = 'tok_' + 'Q7'.repeat(16);
    const words = (n: number) => 'ab '.repeat(n);
    // One line each, 2,500 kept: the head is cut near 1,250 and the tail near the last 1,250.
    const acrossHeadCut = `${words(413)}x${token} ${words(1000)}`;
    const acrossTailCut = `${words(1000)}${token} ${words(413)}`;
    for (const text of [acrossHeadCut, acrossTailCut]) {
      const { text: out, gap } = trimOutput(text, 2500);
      expect(gap!.lines).toBe(0);
      expect(out).not.toContain('Q7Q7');
      expect(out).toMatch(/^ab ab /);
      expect(out).toMatch(/ab ab $/);
    }
  });

  it('neutralises markers a session forged, so it cannot fake a note', () => {
    const forged = `before ${gapMarker({ chars: 5, lines: 1 })} after`;
    expect(trimOutput(forged, 4000).text).toBe('before \uFFFD5:1\uFFFD after');
    expect(gapNoteHtml(trimOutput(forged, 4000).text, 3)).not.toContain('output-gap');
  });

  it('keeps a head and a tail of the text and counts exactly what lies between them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 1000, max: 2000 }), (s, limit) => {
        const { text, gap } = trimOutput(s, limit);
        if (!gap) return text === s;
        const match = /\uFDD0(\d+):(\d+)\uFDD0\n/.exec(text)!;
        const before = text.slice(0, match.index);
        const tail = text.slice(match.index + match[0].length);
        // The head is `before`, or `before` minus the line end added to put the marker on its own line.
        const fits = (head: string) => s.startsWith(head) && s.endsWith(tail) && head.length + gap.chars + tail.length === s.length;
        return text.length - match[0].length <= limit + 1 && (fits(before) || (before.endsWith('\n') && fits(before.slice(0, -1))));
      }),
    );
  });
});

describe('trimSessionOutputs', () => {
  const session = {
    turns: [
      {
        items: [
          { kind: 'shell', id: 'a', line: 4, output: log(2000) },
          { kind: 'mcp', id: 'b', line: 5, result: log(10) },
          { kind: 'assistant_message', id: 'c', line: 6, text: log(2000) },
        ],
      },
    ],
  } as never;

  it('cuts outputs and results, not messages, and counts what it left out', () => {
    const { session: out, trimmed, omittedChars } = trimSessionOutputs(session, 4000);
    const items = (out as unknown as { turns: { items: Record<string, string>[] }[] }).turns[0]!.items;
    expect(trimmed).toBe(1);
    expect(items[0]!.output!.length).toBeLessThan(4100);
    expect(omittedChars).toBe(log(2000).length - items[0]!.output!.replace(/\uFDD0\d+:\d+\uFDD0\n/, '').length);
    expect(items[1]).toBe((session as { turns: { items: unknown[] }[] }).turns[0]!.items[1]);
    expect(items[2]!.text).toBe(log(2000));
  });

  it('with no limit changes nothing', () => {
    const { session: out, trimmed } = trimSessionOutputs(session, Infinity);
    expect(trimmed).toBe(0);
    expect(out).toEqual(session);
  });
});

describe('the note where output was left out', () => {
  it('says how much and where the whole output is, escaped and out of the search index', () => {
    const view = outputView(trimOutput(log(3000), 4000).text, { line: 42 })!;
    const html = view.headHtml + view.middleHtml + view.tailHtml;
    expect(html).toMatch(/<span class="output-gap" data-pagefind-ignore="all">\[… [\d,]+ characters, [\d,]+ lines not published here; they are in the rollout file, in this item's records from its line 42 …\]<\/span>/);
    expect(html).not.toContain('\uFDD0');
  });

  it("quotes Codex's own note when the part left out holds it: the file lacks those lines too", () => {
    // As the corpus's 0.39 longout session stored it: lines 1-128, Codex's note, lines 1894-2021.
    const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`).join('\n');
    const stored = `${numbered(1, 128)}\n[... omitted 1765 of 2021 lines ...]\n\n${numbered(1894, 2021)}\n`;
    const { text, gap } = trimOutput(stored, 400);
    expect(gap?.codexNote).toBe('[... omitted 1765 of 2021 lines ...]');
    const view = outputView(text, { line: 8 })!;
    const html = view.headHtml + view.middleHtml + view.tailHtml;
    expect(html).toContain("in this item's records from its line 8. Among them, Codex's note that it stored this output in part: “[... omitted 1765 of 2021 lines ...]” …]");
    expect(html).not.toContain('\uFDD0');
    // The other notes Codex has written, and none in an output that holds none.
    for (const note of ['... command output truncated for persistence ...', '…44042 tokens truncated…', 'Warning: truncated output (original token count: 9001)']) {
      expect(trimOutput(`${numbered(1, 200)}\n${note}\n${numbered(201, 400)}`, 400).gap?.codexNote).toBe(note);
    }
    expect(trimOutput(numbered(1, 400), 400).gap?.codexNote).toBeUndefined();
  });
});
