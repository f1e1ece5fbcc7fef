#!/usr/bin/env node
/**
 * Builds the search index an Astro build process handed over (src/integration/search-job.ts).
 * scripts/build.mjs runs it in its own process once Astro's has exited, with a small heap: it
 * streams ~1 GB of pages through Pagefind at 20,000 sessions, and in the build script's own
 * process V8 let that churn grow the heap to ~190 MB (RSS ~300 MB) beside the two Pagefind
 * services, the build's peak. Here it lives and ends with the index.
 *
 * Usage: node scripts/search-index.mjs <job file>
 */
import { runSearchJob } from '../src/integration/search-job.ts';

const file = process.argv[2];
if (!file) {
  console.error('Usage: node scripts/search-index.mjs <job file>');
  process.exit(2);
}
try {
  await runSearchJob(file);
} catch (error) {
  console.error(/** @type {Error} */ (error)?.message ?? String(error));
  process.exit(1);
}
