#!/usr/bin/env node
/**
 * Builds the search index an Astro build process handed over (src/integration/search-job.ts).
 * scripts/build.mjs runs it in its own process once Astro's has exited, with a small heap: it
 * streams ~1 GB of pages through Pagefind at 20,000 sessions, and in the build script's own
 * process V8 let that churn grow the heap to ~190 MB (RSS ~300 MB) beside the two Pagefind
 * services, the build's peak. Here it lives and ends with the index.
 *
 * Usage: node scripts/search-index.mjs <job file> [--services=N] [--verify=<cache dir> [--allow-email=a,b]]
 *   --services     Pagefind processes at most (default: one per core, up to 2); scripts/build.mjs
 *                  asks for one when the verifier runs beside it.
 *   --verify       scan each shard for the verifier's final pass as soon as it is written, and
 *                  keep the verdicts in that cache folder (src/integration/shard-verifier.ts);
 *                  --allow-email as the final pass gets it.
 */
import { runSearchJob } from '../src/integration/search-job.ts';

const usage = 'Usage: node scripts/search-index.mjs <job file> [--services=N] [--verify=<cache dir> [--allow-email=a,b]]';
const [file, ...rest] = process.argv.slice(2);
const services = rest.find((a) => /^--services=[1-9]\d*$/.test(a));
const verify = rest.find((a) => /^--verify=./.test(a));
const allow = rest.find((a) => a.startsWith('--allow-email='));
if (!file || rest.some((a) => a !== services && a !== verify && a !== allow) || (allow && !verify)) {
  console.error(usage);
  process.exit(2);
}
const value = (/** @type {string} */ arg) => arg.slice(arg.indexOf('=') + 1);
try {
  await runSearchJob(
    file,
    undefined,
    services ? { services: Number(value(services)) } : {},
    verify ? { cacheDir: value(verify), emailAllowlist: allow ? value(allow).split(',').filter(Boolean) : [] } : null,
  );
} catch (error) {
  console.error(/** @type {Error} */ (error)?.message ?? String(error));
  process.exit(1);
}
