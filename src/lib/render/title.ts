/**
 * Session titles with their code spans. A title is the first line of a prompt, and prompts name
 * code in backticks ("Fix `parseLine` in reader.ts"): headings, session lists and search results
 * show those spans as code, as the prompt's own markdown does, and the browser tab shows the
 * words without the backticks. Everything else in a title stays plain text (plainTitle in
 * session-facts.ts has already taken out emphasis, heading marks and link syntax).
 *
 * src/scripts/search.js splits titles the same way in the browser (`titlePieces` there); the
 * browser test of the search page checks that both agree on a demo title.
 */
import { safeText } from './escape.ts';

/** A run of a title: plain text, or the text of a code span (without its backticks). */
export interface TitlePiece {
  text: string;
  code: boolean;
}

/** A code span as CommonMark has it: a run of backticks, text, the same run again. */
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g;

/** The ellipsis `cut` (session-facts.ts) puts where it shortened a title. */
const CUT = '…';

/**
 * The title's plain and code runs, in order. A span that a cut title lost the end of (an opening
 * backtick with no partner before the final `…`) is code up to the ellipsis: the cut was ours,
 * the prompt closed it.
 */
export function titlePieces(title: string): TitlePiece[] {
  const pieces: TitlePiece[] = [];
  const plain = (text: string) => {
    if (text) pieces.push({ text, code: false });
  };
  let at = 0;
  for (const m of title.matchAll(CODE_SPAN)) {
    plain(title.slice(at, m.index));
    pieces.push({ text: trimOneSpace(m[2]!), code: true });
    at = m.index + m[0].length;
  }
  const rest = title.slice(at);
  const open = rest.endsWith(CUT) ? /(?<!`)`+(?!`)/.exec(rest) : null;
  if (open && open.index + open[0].length < rest.length - CUT.length) {
    plain(rest.slice(0, open.index));
    pieces.push({ text: trimOneSpace(rest.slice(open.index + open[0].length, -CUT.length)), code: true });
    plain(CUT);
  } else {
    plain(rest);
  }
  return pieces;
}

/** CommonMark strips one space from each end of a span that has one at both (`` ` `x` ` ``). */
function trimOneSpace(text: string): string {
  return text.length > 2 && text.startsWith(' ') && text.endsWith(' ') && text.trim() ? text.slice(1, -1) : text;
}

/** The title as HTML: escaped, controls made visible, code spans in `<code>`. */
export function titleHtml(title: string): string {
  return titlePieces(title)
    .map((p) => (p.code ? `<code>${safeText(p.text)}</code>` : safeText(p.text)))
    .join('');
}

/** The title as words only, for the browser tab: code spans without their backticks. */
export function titleText(title: string): string {
  return titlePieces(title)
    .map((p) => p.text)
    .join('');
}
