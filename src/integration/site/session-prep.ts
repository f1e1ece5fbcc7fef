/**
 * The part of a session page that needs only its rollout file and the build's options: read it,
 * cut long outputs to what the page publishes, redact, scrub excluded ids, and make the offline
 * search digest. No Astro and no build state, so the same function runs in the render process
 * (session-page.ts) and on the look-ahead worker (prep-worker.ts), and both give equal results.
 * What touches the build (report, incremental records, assets, link callbacks) stays in
 * session-page.ts.
 */
import type { Item, Session } from '../../lib/model/session.ts';
import type { RecordCounts } from '../../lib/normalise/builder.ts';
import { readRolloutAt } from '../../lib/reader.ts';
import { redactDeep, type Redactor } from '../../lib/redact/index.ts';
import { DEFAULT_COLLAPSE, type CollapseOptions } from '../../lib/render/output.ts';
import { trimSessionOutputs } from '../../lib/render/output-trim.ts';
import type { SessionFacts } from '../incremental.ts';
import { sessionDigest } from '../offline-index.ts';
import { asRedact } from '../redaction.ts';
import { outputCap, TRIMMED_PAGE_BUDGET } from './output-budget.ts';

/** Where a session's file is (from its stored summary). */
export interface PrepInput {
  id: string;
  /** The source folder the file was found in. */
  sourceRoot: string;
  /** The file, relative to `sourceRoot`. */
  file: string;
  /** The session's name from the Codex home's side files, if any. */
  threadName: string | null;
}

/** The build options preparation depends on (structured-cloneable: a worker gets a copy). */
export interface PrepOptions {
  /** `outputChars` as resolved: characters of each tool output a page publishes, or 'all'. */
  outputChars: number | 'all';
  /** Ids of sessions left out by `exclude` (scrubbed wherever they appear). */
  excludedIds: ReadonlySet<string>;
}

/** A session ready for its page, and what the build records of it. */
export interface PreparedSession {
  /** Cut, redacted and scrubbed: what the page shows. */
  session: Session;
  /** What the report needs of the session as read (before redaction; never published). */
  facts: SessionFacts;
  /** Redactions made on this page, per rule (counts, never values). */
  redactions: Record<string, number>;
  /** Output folding for this page (the per-output cap shrinks for output-heavy sessions). */
  collapse: CollapseOptions;
  /** The offline search digest of the published session (offline-index.ts). */
  digest: string;
}

/** The output text an item carries, for the kinds whose output the transcript folds. */
export function outputOf(item: Item): string | null {
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

/**
 * Reads, cuts, redacts and scrubs one session and makes its search digest. `redactor` is the
 * caller's (null: redaction off); this page's redactions are the growth of its hit counts, so
 * the counting part below must stay synchronous (no await between the two snapshots).
 */
export async function prepareSession(input: PrepInput, options: PrepOptions, redactor: Redactor | null): Promise<PreparedSession> {
  const result = await readRolloutAt(input.sourceRoot, input.file, { threadName: input.threadName });
  // Cut long outputs to what the page publishes before anything else: the middles left out are
  // then never redacted, rendered or indexed (most of the build's work at scale).
  const { outputChars } = options;
  const rawLengths: number[] = [];
  for (const turn of result.session.turns) for (const item of turn.items) rawLengths.push(outputOf(item)?.length ?? 0);
  // Output-heavy sessions (hundreds of long outputs) get a smaller share per output, so no page
  // carries more than TRIMMED_PAGE_BUDGET characters of output.
  const trimTo = outputChars === 'all' ? Infinity : outputCap(rawLengths.filter((n) => n > 0), TRIMMED_PAGE_BUDGET, outputChars, Math.min(outputChars, 1000));
  const published = trimSessionOutputs(result.session, trimTo);
  const facts: SessionFacts = { ...sessionFacts(result.session, result.counts), trimmed: { outputs: published.trimmed, chars: published.omittedChars } };

  const hitsBefore = new Map(redactor?.hits ?? []);
  const session = scrubExcluded(asRedact(redactor)(published.session), options.excludedIds);
  // By rule name: the redactor's own order is that of first hits in whatever it redacted before
  // (another thread, other sessions), and the report and the incremental records keep this order.
  const redactions: Record<string, number> = {};
  for (const rule of [...(redactor?.hits.keys() ?? [])].sort()) {
    const n = redactor!.hits.get(rule)! - (hitsBefore.get(rule) ?? 0);
    if (n !== 0) redactions[rule] = n;
  }

  // A trimmed output (at most trimTo plus its gap marker) must fit the fold whole, however its
  // lines fall: collapseOutput gives the folded middle half of maxChars.
  const collapse: CollapseOptions =
    outputChars === 'all'
      ? { ...DEFAULT_COLLAPSE, maxChars: outputCap(rawLengths.filter((n) => n > 0)) }
      : { ...DEFAULT_COLLAPSE, maxChars: 2 * (trimTo + 64) };

  return { session, facts, redactions, collapse, digest: sessionDigest(session) };
}
