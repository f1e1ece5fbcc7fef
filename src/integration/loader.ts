/**
 * The content loader: a thin adapter between the reader (`src/lib/reader.ts`, which knows Codex
 * files and never touches the store) and Astro's store. It keeps ONLY each session's summary in
 * the store: whole transcripts there cost gigabytes and crash near 5,000 sessions (field notes);
 * each session page re-reads its own file instead.
 *
 * Like Astro's glob loader it skips files whose digest (path, size, mtime, options) is unchanged
 * and deletes entries whose file vanished.
 */
import type { Loader, LoaderContext } from 'astro/loaders';
import { z } from 'zod';
import type { RolloutFile } from '../lib/home/discover.ts';
import { SessionSummary } from '../lib/model/session.ts';
import { openArchive, shareArchive, summarise } from '../lib/reader.ts';
import { redactDeep } from '../lib/redact/index.ts';
import { showControls } from '../lib/render/escape.ts';
import { asRedact, makeRedactor } from './redaction.ts';
import { getState } from './state.ts';
import { globToRegExp, matchesAny } from './utils/glob.ts';
import { shortHash } from './utils/slug.ts';

/** Bump when what we store changes shape or meaning, so old cached entries are re-read. */
const STORE_VERSION = 2;

/** `redactDeep` with this makes control and bidi characters visible in every string. */
const VISIBLE_CONTROLS = { hits: new Map<string, number>(), resetHits: () => {}, redact: showControls };

/** A progress line every this many files. */
export const PROGRESS_EVERY = 500;

/** Files read at once: reading is mostly CPU (JSON.parse), a little overlap hides the I/O. */
const CONCURRENCY = 4;

/** What the store holds per session: the summary plus the source folder it was read from. */
export const StoredSession = SessionSummary.extend({
  /** Absolute path of the Codex home the file belongs to (`file` is relative to it). */
  sourceRoot: z.string(),
});
export type StoredSession = z.infer<typeof StoredSession>;

/** Runs `fn` over `items` with at most `limit` in flight, in order of start. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
}

/** The loader for the `sessions` collection. Options come from the integration (see state.ts). */
export function codexArchiveLoader(): Loader {
  return {
    name: 'codex-archive',
    schema: StoredSession,
    load: async (ctx: LoaderContext) => load(ctx),
  };
}

async function load({ store, logger, generateDigest, parseData }: LoaderContext): Promise<void> {
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
  let discoverMs = 0;

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

    await pool(files, CONCURRENCY, async (file) => {
      const digest = generateDigest({ o: optionsDigest, root: source.path, path: file.relPath, size: file.size, mtime: file.mtimeMs });
      const cachedId = byDigest.get(digest);
      if (cachedId !== undefined && !keep.has(cachedId)) {
        keep.add(cachedId);
        claimedBy.set(cachedId, `${source.path}\0${file.relPath}`);
        report.files.unchanged++;
      } else {
        await readOne(file, digest);
      }
      if (++done % PROGRESS_EVERY === 0) logger.info(`${done} files…`);
    });

    async function readOne(file: RolloutFile, digest: string): Promise<void> {
      let summary;
      try {
        const { session } = await archive.read(file);
        summary = summarise(session);
      } catch (error) {
        report.files.failed++;
        report.addDiagnostic({
          file: file.relPath,
          line: null,
          code: 'unreadable-file',
          message: `Skipped: ${(error as Error).message}`,
          severity: 'error',
        });
        logger.warn(`Skipped ${file.relPath}: ${(error as Error).message}`);
        return;
      }
      if (excludeIds.has(summary.id) || matchesAny(summary.cwd, excludeCwd)) {
        report.files.excluded++;
        state.excludedIds.add(summary.id);
        if (file.threadId) state.excludedIds.add(file.threadId);
        return;
      }
      // The id names the page folder and is not redacted like shown text: an id that holds a
      // secret (or an e-mail address) would publish it in a URL and a file name, and the verifier
      // would then refuse the whole build. Such a session is filed under a hash of its id.
      const id = redact(summary.id) === summary.id ? summary.id : `id-${shortHash(summary.id, 16)}`;
      const where = `${source.path}\0${file.relPath}`;
      const holder = claimedBy.get(id);
      if (holder !== undefined) {
        // Two files claim one id (e.g. a copy left in archived_sessions/). Files are read in
        // parallel, so the winner is chosen by path, not by arrival: every build picks the same.
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
      // Identity fields stay as read: they locate the file and link pages, and are never shown raw.
      // Control and bidi characters in what lists, titles and search show become visible
      // markers (`⟨U+202E⟩`): a thread name must not reorder or hide the text around it.
      const shown = redactDeep(redact(summary), VISIBLE_CONTROLS);
      const lineage = { ...shown.lineage, forkedFrom: summary.lineage.forkedFrom, parent: summary.lineage.parent };
      const stored = { ...shown, id, file: summary.file, lineage, sourceRoot: source.path };
      const data = await parseData({ id, data: stored });
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
