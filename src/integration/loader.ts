/**
 * The content loader: a thin adapter between the reader (`src/lib/reader.ts`, which knows Codex
 * files and never touches the store) and Astro's store. It keeps ONLY each session's summary in
 * the store: whole transcripts there cost gigabytes and crash near 5,000 sessions (field notes);
 * each session page re-reads its own file instead.
 *
 * Like Astro's glob loader it skips files whose digest (path, size, mtime, options) is unchanged
 * and deletes entries whose file vanished. The files it does read (a cold build: all of them) are
 * read on worker threads when there are many (load-worker.ts); their summaries reach the store in
 * file order either way.
 */
import { availableParallelism } from 'node:os';
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'zod';
import type { RolloutFile } from '../lib/home/discover.ts';
import { SessionSummary } from '../lib/model/session.ts';
import { openArchive, shareArchive } from '../lib/reader.ts';
import { readInOrder, readOutcome, type ReadOutcome } from './load-worker.ts';
import { asRedact, makeRedactor } from './redaction.ts';
import { getState } from './state.ts';
import { globToRegExp, matchesAny } from './utils/glob.ts';

/** Bump when what we store changes shape or meaning, so old cached entries are re-read. */
const STORE_VERSION = 4;

/**
 * A progress line at most this often. Counted by files would print 40 lines in the same second
 * when 20,000 unchanged files are only looked up, and too few when each file is slow.
 */
export const PROGRESS_EVERY_MS = 2000;

/** Files read at once in this thread: reading is mostly CPU (JSON.parse), a little overlap hides the I/O. */
const CONCURRENCY = 4;

/**
 * Fewer files to read than this are read in this thread alone (an incremental rebuild usually
 * reads one). A worker costs ~0.8 s of CPU beyond the files it reads (~0.3 s loading its modules,
 * then its own JIT and GC threads warming up) and this thread reads ~600 files a second: below
 * ~500 files the second core saves less than that, and on a busy machine it costs time.
 */
export const MIN_FILES_FOR_WORKERS = 500;

/** Worker threads at most, whatever the core count: each holds its own heap. */
const MAX_WORKERS = 3;

/**
 * Astro saves its content store 500 ms after the last change to it (SAVE_DEBOUNCE_MS in its
 * mutable-data-store), serialising the WHOLE store each time: ~1.8 s at 20,000 sessions. The
 * sync starts that clock before our loader runs (it records its own versions), so any load
 * longer than 500 ms paid for a save mid-load, and the sync's end paid for another. Touching a
 * meta key more often than that keeps the clock from running out until the loader is done;
 * the sync's final save still writes everything. If Astro stops debouncing, this only keeps
 * one small key up to date.
 */
export const HOLD_SAVE_EVERY_MS = 200;

/** Keeps Astro's debounced store save from firing until the returned function is called. */
export function holdStoreSave(meta: Pick<LoaderContext['meta'], 'set'>, every = HOLD_SAVE_EVERY_MS): () => void {
  const touch = () => meta.set('loader', 'codex-archive');
  touch();
  const timer = setInterval(touch, every);
  return () => clearInterval(timer);
}

/** What the store holds per session: the summary plus the source folder it was read from. */
export const StoredSession = SessionSummary.extend({
  /** Absolute path of the Codex home the file belongs to (`file` is relative to it). */
  sourceRoot: z.string(),
});
export type StoredSession = z.infer<typeof StoredSession>;

/**
 * Worker threads to read `count` files on, beside this thread: one per other core (at most
 * MAX_WORKERS) when there are more than MIN_FILES_FOR_WORKERS, else none.
 * CODEX_ARCHIVE_LOAD_WORKERS=0 turns them off; any other whole number starts that many whatever
 * the count, and leaves every file to them (`forced`: tests compare what workers and this thread
 * store).
 */
export function loadWorkers(count: number, env = process.env.CODEX_ARCHIVE_LOAD_WORKERS): { workers: number; forced: boolean } {
  const asked = env?.trim() ? Number(env) : NaN;
  if (Number.isInteger(asked) && asked >= 0) return { workers: count === 0 ? 0 : Math.min(asked, MAX_WORKERS), forced: true };
  // This thread reads too: one core needs no worker.
  const others = availableParallelism() - 1;
  return { workers: count > MIN_FILES_FOR_WORKERS ? Math.max(0, Math.min(others, MAX_WORKERS)) : 0, forced: false };
}

/** The loader for the `sessions` collection. Options come from the integration (see state.ts). */
export function codexArchiveLoader(): Loader {
  return {
    name: 'codex-archive',
    schema: StoredSession,
    load: async (ctx: LoaderContext) => load(ctx),
  };
}

async function load(ctx: LoaderContext): Promise<void> {
  const release = holdStoreSave(ctx.meta);
  try {
    await loadSessions(ctx);
  } finally {
    release();
  }
}

async function loadSessions({ store, logger, generateDigest, parseData }: LoaderContext): Promise<void> {
  const state = getState();
  const { options, report } = state;
  const started = performance.now();
  const excludeIds = new Set(options.exclude.ids);
  const excludeCwd = options.exclude.cwd.map(globToRegExp);
  // Options that change what a stored summary looks like are part of every digest.
  const optionsDigest = generateDigest({
    v: STORE_VERSION,
    redact: options.redact,
    emailAllowlist: options.emailAllowlist,
    exclude: options.exclude,
  });
  const redact = asRedact(await makeRedactor(options));

  const byDigest = new Map<string, string>();
  for (const entry of store.values()) if (entry.digest) byDigest.set(String(entry.digest), entry.id);
  const keep = new Set<string>();
  /** Which file holds each kept id: with files read in parallel, "first" must not decide. */
  const claimedBy = new Map<string, string>();
  let changed = 0;
  let done = 0;
  let total = 0;
  let discoverMs = 0;
  let lastProgress = performance.now();
  const progress = (): void => {
    done++;
    const now = performance.now();
    if (now - lastProgress < PROGRESS_EVERY_MS || done === total) return;
    lastProgress = now;
    // With several sources the total is known only up to the source being loaded.
    logger.info(options.sources.length === 1 ? `${done} of ${total} files…` : `${done} files…`);
  };

  for (const source of options.sources) {
    const t0 = performance.now();
    const archive = await openArchive(source.path);
    // Session pages re-read their files through the same discovery (reader.ts, shareArchive).
    shareArchive(source.path, archive);
    discoverMs += performance.now() - t0;
    for (const d of [...archive.discovery.diagnostics, ...archive.diagnostics]) report.addDiagnostic(d);
    report.files.discovered += archive.discovery.files.length;
    // `archive.files` holds one current file per thread (older revisions are reported, not paged).
    // Excluded ids are dropped before reading when the file name carries the thread id.
    const files = archive.files.filter((f) => {
      if (f.threadId !== null && excludeIds.has(f.threadId)) {
        report.files.excluded++;
        state.excludedIds.add(f.threadId);
        return false;
      }
      return true;
    });
    total += files.length;

    // Unchanged files first, in file order: they only claim their ids.
    const toRead: { file: RolloutFile; digest: string }[] = [];
    for (const file of files) {
      const digest = generateDigest({ o: optionsDigest, root: source.path, path: file.relPath, size: file.size, mtime: file.mtimeMs });
      const cachedId = byDigest.get(digest);
      if (cachedId !== undefined && !keep.has(cachedId)) {
        keep.add(cachedId);
        claimedBy.set(cachedId, `${source.path}\0${file.relPath}`);
        report.files.unchanged++;
        progress();
      } else {
        toRead.push({ file, digest });
      }
    }

    // Read on worker threads when there are enough files to pay for starting them; outcomes
    // arrive in file order either way, so the store gets the same entries in the same order.
    const { workers, forced } = loadWorkers(toRead.length);
    const reading = await readInOrder({
      files: toRead.map((r) => r.file),
      all: archive.discovery.files,
      threadNames: archive.context.threadNames ?? new Map(),
      workers,
      mainReads: !forced,
      workerUrl: new URL('load-worker.ts', state.integrationUrl),
      redact: options.redact,
      emailAllowlist: options.emailAllowlist,
      concurrency: CONCURRENCY,
      readHere: (file) => readOutcome((f) => archive.read(f), file, redact),
      commit: async (index, outcome) => {
        await commitOne(toRead[index]!.file, toRead[index]!.digest, outcome);
        progress();
      },
      log: (line) => logger.warn(line),
    });
    if (reading.started > 0) {
      logger.info(`${reading.inWorkers} of ${toRead.length} files read on ${reading.started} worker thread${reading.started === 1 ? '' : 's'}.`);
    }

    async function commitOne(file: RolloutFile, digest: string, outcome: ReadOutcome): Promise<void> {
      if (!outcome.ok) {
        report.files.failed++;
        report.addDiagnostic({
          file: file.relPath,
          line: null,
          code: 'unreadable-file',
          message: `Skipped: ${outcome.message}`,
          severity: 'error',
        });
        logger.warn(`Skipped ${file.relPath}: ${outcome.message}`);
        return;
      }
      if (excludeIds.has(outcome.id) || matchesAny(outcome.cwd, excludeCwd)) {
        report.files.excluded++;
        state.excludedIds.add(outcome.id);
        if (file.threadId) state.excludedIds.add(file.threadId);
        return;
      }
      const id = outcome.entry.id;
      const where = `${source.path}\0${file.relPath}`;
      const holder = claimedBy.get(id);
      if (holder !== undefined) {
        // Two files claim one id (e.g. a copy left in archived_sessions/). The winner is chosen
        // by path, not by which was read first: every build picks the same.
        report.files.duplicates++;
        const loser = holder < where ? where : holder;
        report.addDiagnostic({
          file: loser.slice(loser.indexOf('\0') + 1),
          line: null,
          code: 'duplicate-session-id',
          message: 'Another file has the same session id; this one was left out.',
          severity: 'warning',
        });
        if (holder < where) return;
      }
      claimedBy.set(id, where);
      keep.add(id);
      report.files.read++;
      changed++;
      const data = await parseData({ id, data: { ...outcome.entry, sourceRoot: source.path } });
      store.set({ id, data, digest });
    }
  }

  let removed = 0;
  for (const id of store.keys()) {
    if (!keep.has(id)) {
      store.delete(id);
      removed++;
    }
  }
  report.files.removed += removed;
  report.time('discover', discoverMs);
  report.time('load', performance.now() - started - discoverMs);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  logger.info(
    `${keep.size} sessions from ${options.sources.length} source${options.sources.length === 1 ? '' : 's'} in ${seconds}s: ` +
      `${changed} read, ${report.files.unchanged} unchanged, ${removed} removed, ${report.files.excluded} excluded, ${report.files.failed} unreadable.`,
  );
  if (keep.size === 0) logger.warn('No sessions found: the archive will be empty. Check the source folders in the report.');
}
