/**
 * What the integration shares with the loader and the pages during one build. Astro loads the
 * config, runs content loaders and renders pages in one Node process but through separate module
 * graphs, so module-level variables are NOT shared; a single well-known `globalThis` slot is.
 * The integration creates it in `astro:config:setup`; everything else reads it with `getState()`.
 */
import type { ResolvedOptions } from './options.ts';
import type { IncrementalStore } from './incremental.ts';
import type { ShardsAhead } from './search-ahead.ts';
import { BuildReport } from './report.ts';

/** One session's entry in the offline search file (see offline-index.ts). */
export interface OfflineEntry {
  /** Site-relative page path, e.g. `s/<slug>/`. */
  path: string;
  title: string;
  /** ISO start time or ''. */
  date: string;
  project: string;
  /** Filter values, as on the Pagefind side. */
  filters: Record<string, string[]>;
  /** Distinct normalised words, space-separated, capped (OFFLINE_TEXT_CAP). */
  text: string;
}

/** The shared state of one build. */
export interface BuildState {
  options: ResolvedOptions;
  /** Project root, absolute. */
  root: string;
  /** Output folder, absolute; known from `astro:config:done`. */
  outDir: string | null;
  /** Astro's `base` (only used to undo it: every link we write is relative). */
  base: string;
  command: string;
  report: BuildReport;
  /** Offline search entries by session id, filled as session pages render. */
  offline: Map<string, OfflineEntry>;
  /** Ids of sessions left out by `exclude` (filled by the loader): scrubbed from other pages. */
  excludedIds: Set<string>;
  /** Lazily created redactor for page rendering (one per build). */
  redactor: Promise<unknown> | null;
  /** When the build started (performance.now()), for phase timings. */
  startedAt: number;
  /** Site paths of the pages rendered in this build (Base.astro records them). */
  rendered: Set<string>;
  /** Site paths of the pages relative-middleware.ts made relative while they rendered. */
  relativised: Set<string>;
  /** Astro's cache folder (absolute), known from `astro:config:done`. */
  cacheDir: string;
  /** Incremental-build records (astro build only; see incremental.ts). */
  incremental: IncrementalStore | null;
  /** Search shards indexed while pages render (small rebuilds under scripts/build.mjs; search-ahead.ts). */
  searchAhead: ShardsAhead | null;
  /**
   * Lines for the integration to log when the build is done: said while pages render, they
   * would land in the middle of Astro's line for a page.
   */
  notes: string[];
  /** Hash of every option that changes output, plus the package version (page cache keys). */
  outputKey: string;
  /**
   * This folder (`src/integration/`) as a file URL, as the integration's own modules see it:
   * pages are bundled elsewhere, and a worker thread they start must load a source module
   * (site/prep-worker.ts).
   */
  integrationUrl: string;
}

const KEY = Symbol.for('codex-archive.build-state');

/** Creates (or replaces) the state for a new build. */
export function initState(init: Pick<BuildState, 'options' | 'root' | 'command'>): BuildState {
  const state: BuildState = {
    ...init,
    outDir: null,
    base: '/',
    report: new BuildReport(),
    offline: new Map(),
    excludedIds: new Set(init.options.exclude.ids),
    redactor: null,
    startedAt: performance.now(),
    incremental: null,
    searchAhead: null,
    notes: [],
    outputKey: '',
    integrationUrl: new URL('.', import.meta.url).href,
    cacheDir: '',
    rendered: new Set(),
    relativised: new Set(),
  };
  state.report.sources = init.options.sources.map((s) => ({ path: s.path, origin: s.origin }));
  state.report.demo = init.options.demo;
  state.report.redacted = init.options.redact;
  state.report.emailAllowlist = init.options.emailAllowlist;
  (globalThis as Record<symbol, unknown>)[KEY] = state;
  return state;
}

/** The current build's state; a clear error when the integration is missing from the config. */
export function getState(): BuildState {
  const state = (globalThis as Record<symbol, unknown>)[KEY] as BuildState | undefined;
  if (!state) {
    throw new Error(
      'codex-archive: the codexArchive() integration is not configured. Add `integrations: [codexArchive()]` to astro.config.mjs.',
    );
  }
  return state;
}
