/**
 * The search index as a job handed from the Astro process to scripts/build.mjs.
 *
 * Why: Pagefind holds the pages of the shards it builds in memory (two services, ~1 GB at 20,000
 * sessions), and the Astro process still holds its own heap after rendering (~1.9 GB RSS at
 * 20,000). Built inside the Astro process, the two add up (peak 2,988 MiB); built by the build
 * script after that process has exited, the peak is the larger of the two. Under plain
 * `astro build` (no job file named) the integration builds the index itself, as before.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { buildPagefindIndex, type SearchPage } from './pagefind.ts';

/** What the integration writes for the build script. */
export interface SearchJob {
  version: 1;
  /** The built site (the build's temporary folder). */
  dir: string;
  /** Astro's cache folder for cached shards, or null to build every shard. */
  cacheDir: string | null;
  pages: SearchPage[];
}

/** The environment variable naming the job file; set by scripts/build.mjs for its Astro child. */
export const SEARCH_JOB_ENV = 'CODEX_ARCHIVE_SEARCH_JOB';

export async function writeSearchJob(file: string, job: Omit<SearchJob, 'version'>): Promise<void> {
  await writeFile(file, JSON.stringify({ version: 1, ...job } satisfies SearchJob));
}

/** Builds the index a job describes, logging as the integration does; returns how long it took. */
export async function runSearchJob(file: string, log: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const job = JSON.parse(await readFile(file, 'utf8')) as SearchJob;
  if (job.version !== 1) throw new Error(`Search job ${file} has version ${String(job.version)}; this build script reads version 1.`);
  const started = performance.now();
  const stamp = () => new Date().toTimeString().slice(0, 8);
  const logger = {
    info: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
    warn: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
    error: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
    debug: () => {},
  };
  await buildPagefindIndex(job.dir, job.pages, logger as never, job.cacheDir);
  return performance.now() - started;
}
