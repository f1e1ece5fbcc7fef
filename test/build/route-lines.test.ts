/**
 * The build script turns Astro's line per page into progress lines and one count (route-lines.mjs):
 * every other line passes through unchanged and in order, coloured or not.
 */
import { describe, expect, it } from 'vitest';
import { createRouteFilter } from '../../scripts/route-lines.mjs';

function run(lines: string[], { every = 5000, step = 0 } = {}) {
  const out: string[] = [];
  let time = 0;
  const filter = createRouteFilter({ write: (line) => out.push(line), every, now: () => (time += step), clock: () => '12:00:00' });
  for (const line of lines) filter.line(line);
  filter.end();
  return out;
}

const astro = [
  '09:12:13 [build] Rearranging server assets...',
  '',
  ' generating static routes ',
  '09:12:13   ├─ /favicon.svg (+17ms) ',
  '09:12:13   ├─ /projects/github-com-acme-atlas-api-67653a32/index.html (restored)',
  '\u001b[2m09:12:13\u001b[22m   \u001b[34m├─\u001b[39m \u001b[2m/s/0199/index.html\u001b[22m \u001b[2m(cached)\u001b[22m',
  '09:12:13   ├─ /s/01a1/index.html (+1.36s) ',
  '09:12:13   ├─ /s/01a2/index.html (+1m 5s) ',
  '09:12:13   └─ /index.html (+67ms) ',
  '09:12:13 ✓ Completed in 300ms.',
  '09:12:13 [build] 37 page(s) built in 2.22s',
];

describe('route lines', () => {
  it('counts page lines, coloured or not, and passes everything else through in order', () => {
    expect(run(astro)).toEqual([
      '09:12:13 [build] Rearranging server assets...',
      '',
      ' generating static routes ',
      '12:00:00   6 routes: 4 rendered, 1 linked, 1 restored from cache.',
      '09:12:13 ✓ Completed in 300ms.',
      '09:12:13 [build] 37 page(s) built in 2.22s',
    ]);
  });

  it('says how far it got every few seconds from the first page line, with thousands separated', () => {
    const out: string[] = [];
    let time = 0;
    const filter = createRouteFilter({ write: (line) => out.push(line), every: 1000, now: () => time, clock: () => '12:00:00' });
    filter.line('Building…');
    // Astro takes a while before its first page: that wait is not "progress" to report.
    time = 60_000;
    for (let i = 0; i < 2500; i++) {
      filter.line(`09:12:13   ├─ /s/${i}/index.html (${i % 5 ? 'cached' : '+3ms'})`);
      time += 1;
    }
    filter.line('done');
    expect(out.filter((l) => l.endsWith('so far…'))).toEqual(['12:00:00   1,001 routes: 201 rendered, 800 linked so far…', '12:00:00   2,001 routes: 401 rendered, 1,600 linked so far…']);
    expect(out.slice(-2)).toEqual(['12:00:00   2,500 routes: 500 rendered, 2,000 linked.', 'done']);
  });

  it('keeps lines that only look like a page line', () => {
    const lines = ['├─ not a route (cached)', '  ├─ /s/x/index.html (failed)', 'tree: ├─ /a (+3ms) and more words after'];
    expect(run(lines)).toEqual(lines);
  });
});
