/**
 * Astro prints one line per page it builds (`├─ /s/<id>/index.html (+12ms)`, `(cached)` or
 * `(restored)` for a page it reused): 20,780 lines for a 20,000-session archive, on every build.
 * The build script passes Astro's output through this filter, which keeps every other line and
 * turns the page lines into a progress line every few seconds and one count at the end.
 */

// Astro colours its output on a terminal; the page lines are recognised without the colours.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
// A rendered page's time, as Astro writes it: `+17ms`, `+1.36s`, `+1m 5s`.
const PAGE_LINE = /^(?:\d\d:\d\d:\d\d\s+)?\s*[├└]─ \/\S*.*\((cached|restored|\+(?:\d+ms|\d+\.\d+s|\d+m \d+s))\)\s*$/;

/**
 * @param {{ write: (line: string) => void, every?: number, now?: () => number, clock?: () => string }} options
 *   `write` gets whole lines (no newline); a progress line at most every `every` ms.
 */
export function createRouteFilter({ write, every = 5000, now = () => performance.now(), clock = () => new Date().toTimeString().slice(0, 8) }) {
  // Astro's words: a page it built, one it found already in place (under scripts/build.mjs, a
  // link to the published page), one it copied from its cache.
  const counts = { rendered: 0, linked: 0, restored: 0 };
  const total = () => counts.rendered + counts.linked + counts.restored;
  let last = 0;
  const n = (count) => count.toLocaleString('en-US');
  // "Routes", as Astro's heading says: pages and endpoints (the site's scripts, its icon).
  const summary = () => {
    const parts = [`${n(counts.rendered)} rendered`];
    if (counts.linked) parts.push(`${n(counts.linked)} linked`);
    if (counts.restored) parts.push(`${n(counts.restored)} restored from cache`);
    return `${n(total())} routes: ${parts.join(', ')}`;
  };
  const flush = () => {
    if (total() === 0) return;
    write(`${clock()}   ${summary()}.`);
    counts.rendered = counts.linked = counts.restored = 0;
  };
  return {
    /** One line of Astro's output, without its newline. */
    line(text) {
      const page = PAGE_LINE.exec(text.replace(ANSI, ''));
      if (!page) {
        // The pages of a run are done when Astro says something else.
        flush();
        write(text);
        return;
      }
      // The clock starts with a run's first page line.
      if (total() === 0) last = now();
      if (page[1] === 'cached') counts.linked++;
      else if (page[1] === 'restored') counts.restored++;
      else counts.rendered++;
      if (now() - last >= every) {
        last = now();
        write(`${clock()}   ${summary()} so far…`);
      }
    },
    /** The output ended. */
    end: flush,
  };
}
