#!/usr/bin/env node
/**
 * Builds the search index an Astro build process handed over (src/integration/search-job.ts).
 * scripts/build.mjs runs it in its own process once Astro's has exited, with a small heap: it
 * streams ~1 GB of pages through Pagefind at 20,000 sessions, and in the build script's own
 * process V8 let that churn grow the heap to ~190 MB (RSS ~300 MB) beside the two Pagefind
 * services, the build's peak. Here it lives and ends with the index.
 *
 * Usage: node scripts/search-index.mjs <job file> [--services=N]
 *   --services  Pagefind processes at most (default: one per core, up to 2); scripts/build.mjs
 *               asks for one when the verifier runs beside it.
 */
import { runSearchJob } from '../src/integration/search-job.ts';

const [file, ...rest] = process.argv.slice(2);
const services = rest.find((a) => /^--services=[1-9]\d*$/.test(a));
if (!file || rest.some((a) => a !== services)) {
  console.error('Usage: node scripts/search-index.mjs <job file> [--services=N]');
  process.exit(2);
}
try {
  await runSearchJob(file, undefined, services ? { services: Number(services.slice('--services='.length)) } : {});
} catch (error) {
  console.error(/** @type {Error} */ (error)?.message ?? String(error));
  process.exit(1);
}
