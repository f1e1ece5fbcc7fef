/**
 * The search index as a job handed from the Astro process to scripts/build.mjs.
 *
 * Why: Pagefind holds the pages of the shards it builds in memory (two services, ~1 GB at 20,000
 * sessions), and the Astro process still holds its own heap after rendering. Built inside the
 * Astro process, the two add up (peak 2,988 MiB at 20,000); built by the build script after that
 * process has exited, the peak is the larger of the two. Under plain `astro build` (no job file
 * named) the integration builds the index itself, and so it does when no shard is left to build
 * (all linked from the cache, or built while pages rendered: search-ahead.ts): then no job is
 * handed over.
 *
 * The job file is JSON lines: a header, then one line per page with its word digest. The build
 * script keeps only where each line is and reads a page's words when its shard is indexed, so
 * neither process holds every digest as one JSON text (~70-140 MB at 20,000 sessions), and a
 * build that reuses most shards reads few of them.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { buildPagefindIndex, wordsHash, type SearchPage, type Tuning } from './pagefind.ts';
import { writeParts } from './utils/write-parts.ts';

const VERSION = 3;

/** The first line of a job file. */
interface JobHeader {
  version: number;
  /** The built site (the build's temporary folder). */
  dir: string;
  /** Astro's cache folder for cached shards, or null to build every shard. */
  cacheDir: string | null;
  /** Shards the integration already linked into place (buildPagefindIndex's `placed`). */
  placed: string[];
  /** The ones among them indexed while pages rendered (search-ahead.ts). */
  builtAhead: string[];
}

/** One page line. */
interface JobPage {
  path: string;
  shard: string;
  key: string | null;
  wordsHash: string;
  words: string;
}

/** A page to index, as the integration has it. */
export interface JobInput {
  path: string;
  shard: string;
  key: string | null;
  words: string;
}

/** The environment variable naming the job file; set by scripts/build.mjs for its Astro child. */
export const SEARCH_JOB_ENV = 'CODEX_ARCHIVE_SEARCH_JOB';

export async function writeSearchJob(
  file: string,
  job: { dir: string; cacheDir: string | null; pages: Iterable<JobInput>; placed?: Iterable<string>; builtAhead?: Iterable<string> },
): Promise<void> {
  const header: JobHeader = { version: VERSION, dir: job.dir, cacheDir: job.cacheDir, placed: [...(job.placed ?? [])], builtAhead: [...(job.builtAhead ?? [])] };
  function* lines(): Generator<string> {
    yield `${JSON.stringify(header)}\n`;
    for (const p of job.pages) {
      const line: JobPage = { path: p.path, shard: p.shard, key: p.key, wordsHash: wordsHash(p.words), words: p.words };
      yield `${JSON.stringify(line)}\n`;
    }
  }
  await writeParts(file, lines());
}

/** Calls `onLine` with each line of a file and where it starts (bytes), reading 1 MB at a time. */
async function eachLine(handle: FileHandle, onLine: (line: Buffer, at: number) => void): Promise<void> {
  const chunk = Buffer.alloc(1 << 20);
  let rest = Buffer.alloc(0);
  let restAt = 0;
  for (let pos = 0; ; ) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const data = rest.length ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      onLine(data.subarray(start, nl), restAt + start);
      start = nl + 1;
    }
    restAt += start;
    // Copied: `chunk` is reused for the next read.
    rest = Buffer.from(data.subarray(start));
  }
  if (rest.length) onLine(rest, restAt);
}

/** Reads a job: its header, and its pages with words read back from the file when asked for. */
export async function readSearchJob(file: string, handle: FileHandle): Promise<JobHeader & { pages: SearchPage[] }> {
  let header: JobHeader | null = null;
  const pages: SearchPage[] = [];
  await eachLine(handle, (line, at) => {
    if (header === null) {
      header = JSON.parse(line.toString('utf8')) as JobHeader;
      if (header.version !== VERSION) throw new Error(`Search job ${file} has version ${String(header.version)}; this build script reads version ${VERSION}.`);
      return;
    }
    const page = JSON.parse(line.toString('utf8')) as JobPage;
    const length = line.length;
    const words = async (): Promise<string> => {
      const bytes = Buffer.alloc(length);
      await handle.read(bytes, 0, length, at);
      return (JSON.parse(bytes.toString('utf8')) as JobPage).words;
    };
    pages.push({ path: page.path, shard: page.shard, key: page.key, wordsHash: page.wordsHash, words });
  });
  if (header === null) throw new Error(`Search job ${file} is empty.`);
  return { ...(header as JobHeader), pages };
}

/** Builds the index a job describes, logging as the integration does; returns how long it took. */
export async function runSearchJob(file: string, log: (line: string) => void = (line) => console.log(line), tuning: Tuning = {}): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const job = await readSearchJob(file, handle);
    const started = performance.now();
    const stamp = () => new Date().toTimeString().slice(0, 8);
    const logger = {
      info: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
      warn: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
      error: (m: string) => log(`${stamp()} [codex-archive] ${m}`),
      debug: () => {},
    };
    await buildPagefindIndex(job.dir, job.pages, logger as never, job.cacheDir, tuning, new Set(job.placed), new Set(job.builtAhead));
    return performance.now() - started;
  } finally {
    await handle.close();
  }
}
