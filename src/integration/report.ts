/**
 * The build report: what was read, what was skipped and why, what was redacted, how long each
 * phase took. Collected in memory during the build (loader and session pages feed it) and
 * written to `.codex-archive/report.json` in the project root — never inside the published
 * folder, because it names files and folders of the user's machine.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Session } from '../lib/model/session.ts';
import type { RecordCounts } from '../lib/reader.ts';
import { addDiagnostics, addToReport, emptyReport, reportLine, unknownTotal, type ArchiveReport } from '../lib/report.ts';
import { DEFAULT_OUTPUT_CHARS } from '../lib/render/output-trim.ts';

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/**
 * Accumulates the report; one instance per build. What the reader met (records by kind,
 * damaged lines, unknown kinds per cli_version, diagnostics with file and line) is the reader's
 * own `ArchiveReport` (src/lib/report.ts); this adds what the build knows: files found, cached
 * and excluded, pages, redactions, assets and time per phase.
 */
export class BuildReport {
  sources: { path: string; origin: string }[] = [];
  demo = false;
  /** Loader: files found, read, reused from the cache, removed, excluded, failed, duplicate ids. */
  files = { discovered: 0, read: 0, unchanged: 0, removed: 0, excluded: 0, failed: 0, duplicates: 0 };
  /** Reader statistics over every rendered session, plus discovery and loader diagnostics. */
  archive: ArchiveReport = emptyReport();
  pages = 0;
  redactions: Record<string, number> = {};
  /** Redactions per session id and rule (sessions with none are left out); never values. */
  redactionsBySession: Record<string, Record<string, number>> = {};
  redacted = true;
  /** Addresses the redactor kept on purpose; the verifier must keep them too. */
  emailAllowlist: string[] = [];
  assets = { images: 0, largeOutputs: 0 };
  /** The `outputChars` option the pages were built with. */
  outputChars: number | 'all' = DEFAULT_OUTPUT_CHARS;
  /** Tool outputs cut to `outputChars` on their pages, and the characters left out of the site. */
  trimmedOutputs = { outputs: 0, chars: 0 };
  /** Size of the built site (every file) when the integration is done: what gets published. */
  site = { bytes: 0, files: 0 };
  timings: Record<string, number> = {};
  /**
   * Incremental build: session pages rendered in this build and restored from the cache, and how
   * many of those restored were hard-linked from the previous site (incremental.ts).
   */
  incremental: { sessionPagesRendered: number; sessionPagesReused: number; sessionPagesLinked: number } | null = null;
  /** Search shards indexed while pages rendered (search-ahead.ts), and their pages; null: not tried. */
  searchAhead: { shards: number; pages: number } | null = null;
  /** Astro's cache folder: where incremental records and the verifier's verdicts are kept. */
  cacheDir: string | null = null;

  /** Sessions rendered (one page each). */
  get sessions(): number {
    return this.archive.sessions;
  }

  /** Damaged lines the reader skipped. */
  get skippedLines(): number {
    return this.archive.lines.damaged;
  }

  /** Records a problem that belongs to no session (discovery, side files, unreadable file). */
  addDiagnostic(d: Diagnostic): void {
    addDiagnostics(this.archive, [d]);
  }

  /** Folds one session's facts (what `addSession` reads; kept across incremental builds). */
  addSessionFacts(
    facts: Pick<Session, 'generation' | 'archived' | 'supported' | 'incomplete' | 'cliVersion' | 'diagnostics'> & {
      counts: RecordCounts;
      trimmed?: { outputs: number; chars: number };
    },
  ): void {
    addToReport(this.archive, facts as unknown as Session, facts.counts);
    if (facts.trimmed) {
      this.trimmedOutputs.outputs += facts.trimmed.outputs;
      this.trimmedOutputs.chars += facts.trimmed.chars;
    }
  }

  /** Folds one rendered session (as read, before redaction: the report stays off the site). */
  addSession(session: Session, counts: RecordCounts): void {
    addToReport(this.archive, session, counts);
  }

  /** Adds a redactor's per-rule hit counts. */
  addRedactions(hits: ReadonlyMap<string, number> | undefined): void {
    for (const [rule, count] of hits ?? []) bump(this.redactions, rule, count);
  }

  /** Records one session's redaction counts per rule. */
  addSessionRedactions(id: string, counts: Record<string, number>): void {
    if (Object.keys(counts).length > 0) this.redactionsBySession[id] = { ...counts };
  }

  /** Records how long a phase took, in milliseconds (summed when a phase runs more than once). */
  time(phase: string, ms: number): void {
    this.timings[phase] = Math.round((this.timings[phase] ?? 0) + ms);
  }

  /** Unknown records kept raw, across versions. */
  unknownTotal(): number {
    return unknownTotal(this.archive);
  }

  /** The JSON written to report.json; keys sorted where order would otherwise vary. */
  toJSON(): Record<string, unknown> {
    const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
    const list = [...this.archive.diagnostics.list].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
    return {
      summary: reportLine(this.archive),
      sources: this.sources,
      demo: this.demo,
      sessions: this.sessions,
      pages: this.pages,
      skippedLines: this.skippedLines,
      unknownTotal: this.unknownTotal(),
      files: this.files,
      reader: {
        ...this.archive,
        recordsByKind: sorted(this.archive.recordsByKind),
        unknownKindsByVersion: sorted(this.archive.unknownKindsByVersion),
        diagnostics: { ...this.archive.diagnostics, list },
      },
      redacted: this.redacted,
      emailAllowlist: this.emailAllowlist,
      redactions: sorted(this.redactions),
      redactionsBySession: sorted(this.redactionsBySession),
      assets: this.assets,
      outputChars: this.outputChars,
      trimmedOutputs: this.trimmedOutputs,
      site: this.site,
      incremental: this.incremental,
      searchAhead: this.searchAhead,
      cacheDir: this.cacheDir,
      timingsMs: this.timings,
    };
  }
}

/** Where the report goes: `<project root>/.codex-archive/report.json`. */
export function reportPath(projectRoot: string): string {
  return path.join(projectRoot, '.codex-archive', 'report.json');
}

/** Writes the report; refuses a path inside the published folder. */
export async function writeReport(report: BuildReport, file: string, outDir: string): Promise<void> {
  const rel = path.relative(path.resolve(outDir), path.resolve(file));
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    throw new Error(`Refusing to write the build report inside the output folder (${file}): it names local files.`);
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(report.toJSON(), null, 2) + '\n');
}
