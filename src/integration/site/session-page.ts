/**
 * Everything one session page needs, prepared in TypeScript so the page only renders: the
 * session re-read from its own file (never from the store) and redacted, the link and asset
 * callbacks the transcript calls, the search metadata, and the offline search entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageRef, Item, Session } from '../../lib/model/session.ts';
import { readRolloutAt } from '../../lib/reader.ts';
import { redactDeep } from '../../lib/redact/index.ts';
import { DEFAULT_COLLAPSE, type CollapseOptions } from '../../lib/render/output.ts';
import { trimSessionOutputs } from '../../lib/render/output-trim.ts';
import { CONTEXT_PREVIEW_CHARS } from '../../lib/render/view-model.ts';
import type { RecordCounts } from '../../lib/normalise/builder.ts';
import type { SessionFacts } from '../incremental.ts';
import { sessionDigest } from '../offline-index.ts';
import { outputCap, TRIMMED_PAGE_BUDGET } from './output-budget.ts';
import { asRedact, pageRedactor } from '../redaction.ts';
import { getState } from '../state.ts';
import { dayKey } from '../utils/dates.ts';
import { href, paths } from '../utils/urls.ts';
import type { Summary } from './archive.ts';
import { archiveIndex } from './collection.ts';

/** Raster types we turn into files; anything else (e.g. SVG) is not published. */
const IMAGE_TYPES: Record<string, string> = { png: 'png', jpeg: 'jpg', jpg: 'jpg', gif: 'gif', webp: 'webp', avif: 'avif' };
const DATA_URL = /^data:image\/([a-z]+);base64,([A-Za-z0-9+/=\s]+)$/i;


/** Pagefind filters of a session: one component writes them (SearchMeta.astro). */
export type SearchFilters = Record<string, string[]>;

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

/** The output text an item carries, for the kinds whose output the transcript folds. */
function outputOf(item: Item): string | null {
  switch (item.kind) {
    case 'shell':
    case 'subagent':
    case 'tool_call':
      return item.output;
    case 'mcp':
      return item.result;
    default:
      return null;
  }
}

/** Search filter values for a session (must match the options the search page offers). */
export function searchFilters(summary: Summary, timeZone: string): SearchFilters {
  const key = dayKey(summary.startedAt, timeZone);
  return {
    project: [summary.project ?? 'none'],
    model: summary.models.length ? [...new Set(summary.models.map((m) => m.model))] : ['unknown'],
    year: key ? [key.year] : ['undated'],
    month: key ? [`${key.year}-${key.month}`] : ['undated'],
    source: [summary.source ?? 'unknown'],
    archived: [summary.archived ? 'yes' : 'no'],
    'has-failed-command': [summary.failedCommands > 0 ? 'yes' : 'no'],
  };
}

/**
 * Replaces the ids of excluded sessions wherever they appear in a session (fork and parent
 * links, sub-agent calls, raw records), so an excluded session leaves no id, link or search
 * entry behind. Turns a fork copied from an excluded session are the fork's own content and stay.
 */
export function scrubExcluded<T>(session: T, excluded: ReadonlySet<string>): T {
  if (excluded.size === 0) return session;
  const pattern = new RegExp([...excluded].map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const hits = new Map<string, number>();
  const scrub = {
    hits,
    resetHits: () => hits.clear(),
    redact: (text: string) => (typeof text === 'string' ? text.replace(pattern, '(excluded session)') : text),
  };
  const out = redactDeep(session, scrub) as T & { lineage?: { forkedFrom: string | null; parent: string | null } };
  if (out.lineage) {
    if (out.lineage.forkedFrom === '(excluded session)') out.lineage.forkedFrom = null;
    if (out.lineage.parent === '(excluded session)') out.lineage.parent = null;
  }
  return out;
}

/** What the report needs of a session (kept for builds that skip its page). */
export function sessionFacts(session: Session, counts: RecordCounts): SessionFacts {
  return {
    generation: session.generation,
    archived: session.archived,
    supported: session.supported,
    incomplete: session.incomplete,
    cliVersion: session.cliVersion ?? null,
    diagnostics: session.diagnostics,
    counts,
  };
}

/** The prepared page. */
export interface SessionPage {
  session: Session;
  summary: Summary;
  /** This page's site path (`s/<slug>/`). */
  here: string;
  hrefForSession: (id: string) => string | null;
  imageSrc: (image: ImageRef) => string | null;
  largeOutputHref: (item: Item) => string | null;
  contextHref: (item: Extract<Item, { kind: 'context' }>) => string | null;
  /** Output folding for this page (the per-output cap shrinks for output-heavy sessions). */
  collapse: CollapseOptions;
  filters: SearchFilters;
}

let knownIds: Promise<Set<string>> | null = null;

/** Reads, reports, redacts and prepares one session page. */
export async function loadSessionPage(summary: Summary): Promise<SessionPage> {
  const state = getState();
  const here = paths.session(summary.id);
  if (!summary.sourceRoot) throw new Error(`Session ${summary.id} has no source folder in the store; rebuild with --force.`);
  const result = await readRolloutAt(summary.sourceRoot, summary.file, { threadName: summary.threadName });
  // Cut long outputs to what the page publishes before anything else: the middles left out are
  // then never redacted, rendered or indexed (most of the build's work at scale).
  const outputChars = state.options.outputChars;
  const rawLengths: number[] = [];
  for (const turn of result.session.turns) for (const item of turn.items) rawLengths.push(outputOf(item)?.length ?? 0);
  // Output-heavy sessions (hundreds of long outputs) get a smaller share per output, so no page
  // carries more than TRIMMED_PAGE_BUDGET characters of output.
  const trimTo = outputChars === 'all' ? Infinity : outputCap(rawLengths.filter((n) => n > 0), TRIMMED_PAGE_BUDGET, outputChars, Math.min(outputChars, 1000));
  const published = trimSessionOutputs(result.session, trimTo);
  const facts = { ...sessionFacts(result.session, result.counts), trimmed: { outputs: published.trimmed, chars: published.omittedChars } };
  state.report.addSessionFacts(facts);
  const redactor = await pageRedactor();
  const hitsBefore = new Map(redactor?.hits ?? []);
  const session = scrubExcluded(asRedact(redactor)(published.session), state.excludedIds);
  // This page's share of the redaction counts (kept for builds that skip the page).
  const redactions: Record<string, number> = {};
  for (const [rule, n] of redactor?.hits ?? []) if (n !== (hitsBefore.get(rule) ?? 0)) redactions[rule] = n - (hitsBefore.get(rule) ?? 0);
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

  knownIds ??= archiveIndex().then((index) => new Set(index.sessions.map((s) => s.id)));
  const known = await knownIds;
  const outDir = state.outDir;
  const building = state.command === 'build';

  const imageSrc = (image: ImageRef): string | null => {
    const match = image.url ? DATA_URL.exec(image.url) : null;
    const ext = match ? IMAGE_TYPES[match[1]!.toLowerCase()] : undefined;
    if (!match || !ext) return null;
    // `astro dev` has no output folder to write to: show the inline image as it is.
    if (!building || !outDir) return image.url;
    const bytes = Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
    const rel = assetPath('img', bytes, ext);
    if (writeOnce(outDir, rel, bytes)) state.report.assets.images++;
    keepAsset(rel);
    state.incremental?.keepAsset(outDir, rel);
    return href(here, rel);
  };

  // A trimmed output (at most trimTo plus its gap marker) must fit the fold whole, however its
  // lines fall: collapseOutput gives the folded middle half of maxChars.
  const collapse: CollapseOptions =
    outputChars === 'all'
      ? { ...DEFAULT_COLLAPSE, maxChars: outputCap(rawLengths.filter((n) => n > 0)) }
      : { ...DEFAULT_COLLAPSE, maxChars: 2 * (trimTo + 64) };

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
    text: sessionDigest(session),
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
      lookups[id] = known.has(id);
      return known.has(id) ? href(here, paths.session(id)) : null;
    },
    imageSrc,
    largeOutputHref,
    contextHref,
    collapse,
    filters,
  };
}
