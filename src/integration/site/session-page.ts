/**
 * Everything one session page needs, prepared in TypeScript so the page only renders: the
 * session re-read from its own file (never from the store) and redacted, the link and asset
 * callbacks the transcript calls, the search metadata, and the offline search entry.
 *
 * Reading and redacting (session-prep.ts) is done ahead, on a worker thread, for the pages Astro
 * is about to render (prep-worker.ts); a page the worker has not prepared is prepared here. What
 * touches the build (report, incremental records, assets) is always done here, as the page renders.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageRef, Item, Session } from '../../lib/model/session.ts';
import { publishableImage, type RasterType } from '../../lib/render/image-bytes.ts';
import type { CollapseOptions } from '../../lib/render/output.ts';
import { CONTEXT_PREVIEW_CHARS } from '../../lib/render/view-model.ts';
import { pageRedactor } from '../redaction.ts';
import { getState, type BuildState } from '../state.ts';
import { href, paths } from '../utils/urls.ts';
import type { Summary } from './archive.ts';
import { sessionRoutes, sessionTitles } from './collection.ts';
import { SessionLookAhead } from './prep-worker.ts';
import { outputOf, prepareSession, type PrepOptions } from './session-prep.ts';
import { searchFilters, type SearchFilters } from './search-filters.ts';

export { scrubExcluded, sessionFacts } from './session-prep.ts';

/** Raster types we turn into files; anything else (e.g. SVG) is not published. */
const IMAGE_TYPES: Record<string, RasterType> = { png: 'png', jpeg: 'jpg', jpg: 'jpg', gif: 'gif', webp: 'webp', avif: 'avif' };
const DATA_URL = /^data:image\/([a-z]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/** Writes `bytes` under `<outDir>/<rel>` unless already there (content-addressed: same name, same bytes). */
function writeOnce(outDir: string, rel: string, bytes: Buffer | string): boolean {
  const file = path.join(outDir, rel);
  if (existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return true;
}

/** Site-relative path of a content-addressed asset: `_assets/<folder>/<sha256>.<ext>`. */
export function assetPath(folder: string, bytes: Buffer | string, ext: string): string {
  return `_assets/${folder}/${createHash('sha256').update(bytes).digest('hex')}.${ext}`;
}

/** The prepared page. */
export interface SessionPage {
  session: Session;
  summary: Summary;
  /** This page's site path (`s/<slug>/`). */
  here: string;
  hrefForSession: (id: string) => string | null;
  /** The title of another session of the archive (the one this session was forked from, or its parent). */
  titleForSession: (id: string) => string | null;
  imageSrc: (image: ImageRef) => string | null;
  largeOutputHref: (item: Item) => string | null;
  contextHref: (item: Extract<Item, { kind: 'context' }>) => string | null;
  /** Output folding for this page (the per-output cap shrinks for output-heavy sessions). */
  collapse: CollapseOptions;
  filters: SearchFilters;
}


/** What preparation needs of this build's options. */
function prepOptions(state: BuildState): PrepOptions {
  return { outputChars: state.options.outputChars, excludedIds: state.excludedIds };
}

let lookAhead: { state: BuildState; ahead: Promise<SessionLookAhead | null> } | null = null;

/**
 * The build's look-ahead (prep-worker.ts), started when the first session page renders: only
 * under `astro build` (not `astro dev`, which renders pages on request) and unless
 * CODEX_ARCHIVE_PREP_WORKER=0.
 */
function sessionLookAhead(state: BuildState): Promise<SessionLookAhead | null> {
  if (lookAhead?.state !== state) lookAhead = { state, ahead: startLookAhead(state) };
  return lookAhead.ahead;
}

async function startLookAhead(state: BuildState): Promise<SessionLookAhead | null> {
  if (state.command !== 'build' || process.env.CODEX_ARCHIVE_PREP_WORKER === '0') return null;
  // The order getStaticPaths gives Astro (src/pages/s/[id]/index.astro), which renders in it.
  const order = (await sessionRoutes()).flatMap(({ summary: s }) =>
    s.sourceRoot ? [{ id: s.id, sourceRoot: s.sourceRoot, file: s.file, threadName: s.threadName }] : [],
  );
  const incremental = state.incremental;
  return new SessionLookAhead({
    workerUrl: new URL('site/prep-worker.ts', state.integrationUrl),
    order,
    options: prepOptions(state),
    redact: state.options.redact,
    emailAllowlist: state.options.emailAllowlist,
    // getStaticPaths has keyed every page by now: the same key as last time means Astro reuses it.
    reused: incremental ? (id) => incremental.reuses(id) : undefined,
    // Astro is in the middle of a page's log line: a notice (a worker that failed) starts on a
    // line of its own, the summary waits for the end of the build (index.ts).
    log: (line) => console.log(`\n${line}`),
    summary: (line) => state.notes.push(line.replace(/^codex-archive: /, '')),
  });
}

/** Reads, reports, redacts and prepares one session page. */
export async function loadSessionPage(summary: Summary): Promise<SessionPage> {
  const state = getState();
  const here = paths.session(summary.id);
  if (!summary.sourceRoot) throw new Error(`Session ${summary.id} has no source folder in the store; rebuild with --force.`);
  const ahead = await sessionLookAhead(state);
  let prepared = ahead ? await ahead.take(summary.id) : null;
  if (prepared) {
    // Counted by the worker's redactor; the build adds up its own page redactor's at the end.
    state.report.addRedactions(new Map(Object.entries(prepared.redactions)));
  } else {
    const input = { id: summary.id, sourceRoot: summary.sourceRoot, file: summary.file, threadName: summary.threadName };
    prepared = await prepareSession(input, prepOptions(state), await pageRedactor());
  }
  const { session, facts, redactions, collapse } = prepared;
  const outputChars = state.options.outputChars;
  state.report.addSessionFacts(facts);
  // This page's share of the redaction counts (kept for builds that skip the page).
  state.report.addSessionRedactions(summary.id, redactions);
  // Assets this page links, each once: the list is the page's sidecar's own (incremental.ts
  // sorts it), so the sidecar kept for the rest of the build holds no closure over this page.
  const assetSet = new Set<string>();
  const assets: string[] = [];
  const keepAsset = (rel: string): void => {
    if (assetSet.has(rel)) return;
    assetSet.add(rel);
    assets.push(rel);
  };
  const lookups: Record<string, boolean> = {};

  const titles = await sessionTitles();
  const outDir = state.outDir;
  const building = state.command === 'build';

  const imageSrc = (image: ImageRef): string | null => {
    const match = image.url ? DATA_URL.exec(image.url) : null;
    const ext = match ? IMAGE_TYPES[match[1]!.toLowerCase()] : undefined;
    if (!match || !ext) return null;
    // `astro dev` has no output folder to write to: show the inline image as it is.
    if (!building || !outDir) return image.url;
    const bytes = publishableImage(Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64'), ext);
    if (!bytes) return null;
    const rel = assetPath('img', bytes, ext);
    if (writeOnce(outDir, rel, bytes)) state.report.assets.images++;
    keepAsset(rel);
    state.incremental?.keepAsset(outDir, rel);
    return href(here, rel);
  };

  // With outputChars 'all', every output the page cannot show whole is also written whole to a
  // .txt file it links.
  const largeOutputHref = (item: Item): string | null => {
    const text = outputOf(item);
    if (outputChars !== 'all' || text === null || text.length <= collapse.maxChars || !building || !outDir) return null;
    const rel = assetPath('out', text, 'txt');
    if (writeOnce(outDir, rel, text)) state.report.assets.largeOutputs++;
    keepAsset(rel);
    state.incremental?.keepAsset(outDir, rel);
    return href(here, rel);
  };

  // Long context blocks (the same instructions in every session) are one shared file each.
  const contextHref = (item: Extract<Item, { kind: 'context' }>): string | null => {
    if (item.text.length <= CONTEXT_PREVIEW_CHARS * 2 || !building || !outDir) return null;
    const rel = assetPath('ctx', item.text, 'txt');
    writeOnce(outDir, rel, item.text);
    keepAsset(rel);
    state.incremental?.keepAsset(outDir, rel);
    return href(here, rel);
  };

  const filters = searchFilters(summary, state.options.timeZone);
  const offline = {
    path: here,
    title: session.title,
    date: session.startedAt ?? '',
    project: summary.project ?? '',
    filters,
    text: prepared.digest,
  };
  state.offline.set(session.id, offline);
  const keys = state.incremental?.keys.get(summary.id);
  if (state.incremental && keys) {
    // Filled further while the page renders (assets written, sessions looked up).
    state.incremental.fresh.set(summary.id, { ...keys, offline, facts, redactions, assets, lookups });
  }

  return {
    session,
    summary,
    here,
    hrefForSession: (id) => {
      lookups[id] = titles.has(id);
      return titles.has(id) ? href(here, paths.session(id)) : null;
    },
    // Only the sessions a page came from are named by title; their titles are in its cacheKey.
    titleForSession: (id) => titles.get(id) ?? null,
    imageSrc,
    largeOutputHref,
    contextHref,
    collapse,
    filters,
  };
}
