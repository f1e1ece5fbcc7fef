/**
 * Long command output: the first and last lines stay in view, the middle is one click away, and
 * anything beyond a size budget is cut (pages link the full text when they stored it).
 */

/** Limits for `collapseOutput`. */
export interface CollapseOptions {
  /** Lines shown before the fold. */
  headLines: number;
  /** Lines shown after the fold. */
  tailLines: number;
  /** Characters kept in the page in total; head and tail get a quarter each, the middle the rest. */
  maxChars: number;
}

/** Output split for display. `head + middle + tail` is the text unless `truncated`. */
export interface CollapsedOutput {
  head: string;
  /** Text folded away behind a `<details>` (already cut to the budget when `truncated`). */
  middle: string;
  /** Lines in the original middle part (what the fold summary announces). */
  hiddenLineCount: number;
  tail: string;
  /** True when some text is not in the page at all. */
  truncated: boolean;
  /** Characters left out of the page. */
  omittedChars: number;
}

/**
 * Defaults: 20 + 20 lines visible, 30,000 characters per output at most. Tool output is most of a
 * page's weight (a 400-line test run folded whole cost ~25 KB per command); pages that store the
 * full text link it through `largeOutputHref`.
 */
export const DEFAULT_COLLAPSE: CollapseOptions = { headLines: 20, tailLines: 20, maxChars: 30_000 };

/** Fold only when it hides at least this many lines: folding two lines helps nobody. */
const MIN_HIDDEN_LINES = 4;

/** Moves an index off the second half of a surrogate pair so no character is split. */
function safeIndex(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/** Index just after the `n`th newline, or the text length. */
function afterLines(text: string, n: number): number {
  let index = 0;
  for (let i = 0; i < n; i += 1) {
    const next = text.indexOf('\n', index);
    if (next === -1) return text.length;
    index = next + 1;
  }
  return index;
}

/** Index where the last `n` lines start (a trailing newline does not count as a line). */
function beforeLines(text: string, n: number): number {
  let index = text.endsWith('\n') ? text.length - 1 : text.length;
  for (let i = 0; i < n; i += 1) {
    const previous = text.lastIndexOf('\n', index - 1);
    if (previous === -1) return 0;
    index = previous;
  }
  return index + 1;
}

function countLines(text: string): number {
  if (text === '') return 0;
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/**
 * Splits `text` into head, folded middle and tail. Short output comes back whole in `head`.
 * Very long single lines are cut by characters, never inside a surrogate pair.
 */
export function collapseOutput(text: string, options: CollapseOptions = DEFAULT_COLLAPSE): CollapsedOutput {
  const sideBudget = Math.max(1, Math.floor(options.maxChars / 4));
  const middleBudget = Math.max(0, options.maxChars - 2 * sideBudget);
  const whole: CollapsedOutput = { head: text, middle: '', hiddenLineCount: 0, tail: '', truncated: false, omittedChars: 0 };
  if (text.length <= options.maxChars && countLines(text) <= options.headLines + options.tailLines + MIN_HIDDEN_LINES) {
    return whole;
  }

  const headEnd = safeIndex(text, Math.min(afterLines(text, options.headLines), sideBudget));
  const tailStart = safeIndex(text, Math.max(beforeLines(text, options.tailLines), text.length - sideBudget, headEnd));
  const middleFull = text.slice(headEnd, tailStart);
  if (middleFull === '') return whole;

  let middle = middleFull;
  let truncated = false;
  if (middle.length > middleBudget) {
    let cut = safeIndex(middle, middleBudget);
    const lastNewline = middle.lastIndexOf('\n', cut);
    if (lastNewline > cut / 2) cut = lastNewline + 1;
    middle = middle.slice(0, cut);
    truncated = true;
  }
  return {
    head: text.slice(0, headEnd),
    middle,
    hiddenLineCount: countLines(middleFull),
    tail: text.slice(tailStart),
    truncated,
    omittedChars: middleFull.length - middle.length,
  };
}
