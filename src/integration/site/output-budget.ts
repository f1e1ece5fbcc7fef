/**
 * How much tool output one session page may hold. Pure, so it is tested without Astro.
 */
import { DEFAULT_COLLAPSE } from '../../lib/render/output.ts';

/**
 * Characters of tool output one page may hold in total. Each output is already cut to the
 * transcript's per-output budget (DEFAULT_COLLAPSE.maxChars); a session with dozens of long
 * outputs gets a smaller per-output cap so the page stays well under 2 MB (HTML escaping and
 * markup roughly double the text).
 */
export const PAGE_OUTPUT_BUDGET = 600_000;

/**
 * Characters of tool output one page publishes when outputs are trimmed (`outputChars` is a
 * number): a session of hundreds of long outputs gets less of each rather than a huge page.
 */
export const TRIMMED_PAGE_BUDGET = 200_000;

/** Per-output cap never goes below this: a page should still show the start of every output. */
const MIN_OUTPUT_CHARS = 2_000;

/**
 * The largest per-output cap `c` (at most `perOutput`, at least `min`) with
 * sum(min(length, c)) <= budget. Pure; exported for tests.
 */
export function outputCap(lengths: readonly number[], budget = PAGE_OUTPUT_BUDGET, perOutput = DEFAULT_COLLAPSE.maxChars, min = MIN_OUTPUT_CHARS): number {
  const total = (cap: number) => lengths.reduce((sum, n) => sum + Math.min(n, cap), 0);
  if (total(perOutput) <= budget) return perOutput;
  let lo = min;
  let hi = perOutput;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
