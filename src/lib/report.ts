/**
 * The build report: what the reader met across a whole archive. Counts only, plus every
 * diagnostic with file and line, so nothing skipped or unknown goes unnoticed. Values from
 * sessions never appear here except file paths and record kinds.
 */
import type { Diagnostic, Session } from './model/session.ts';
import type { RecordCounts } from './normalise/builder.ts';

export interface ArchiveReport {
  sessions: number;
  files: { byGeneration: Record<string, number>; archived: number; unsupported: number; incomplete: number };
  lines: { total: number; blank: number; records: number; damaged: number };
  recordsByKind: Record<string, number>;
  /** Unknown record kinds per Codex version that wrote them: the format-drift report. */
  unknownKindsByVersion: Record<string, Record<string, number>>;
  diagnostics: { byCode: Record<string, number>; bySeverity: Record<string, number>; list: Diagnostic[] };
}

/** Most diagnostics kept in full; the counts above always cover all of them. */
const MAX_LISTED = 10_000;

export function emptyReport(): ArchiveReport {
  return {
    sessions: 0,
    files: { byGeneration: {}, archived: 0, unsupported: 0, incomplete: 0 },
    lines: { total: 0, blank: 0, records: 0, damaged: 0 },
    recordsByKind: {},
    unknownKindsByVersion: {},
    diagnostics: { byCode: {}, bySeverity: {}, list: [] },
  };
}

const bump = (map: Record<string, number>, key: string, by = 1) => {
  map[key] = (map[key] ?? 0) + by;
};

/** Add one read session to the report. */
export function addToReport(report: ArchiveReport, session: Session, counts: RecordCounts): void {
  report.sessions++;
  bump(report.files.byGeneration, String(session.generation));
  if (session.archived) report.files.archived++;
  if (!session.supported) report.files.unsupported++;
  if (session.incomplete) report.files.incomplete++;
  report.lines.total += counts.lines;
  report.lines.blank += counts.blank;
  report.lines.records += counts.records;
  report.lines.damaged += counts.damaged;
  for (const [kind, n] of Object.entries(counts.byKind)) bump(report.recordsByKind, kind, n);
  const version = session.cliVersion ?? `generation ${session.generation}`;
  for (const [kind, n] of Object.entries(counts.unknownKinds)) {
    report.unknownKindsByVersion[version] ??= {};
    bump(report.unknownKindsByVersion[version]!, kind, n);
  }
  addDiagnostics(report, session.diagnostics);
}

/** Add diagnostics that belong to no session (discovery, side files). */
export function addDiagnostics(report: ArchiveReport, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    bump(report.diagnostics.byCode, d.code);
    bump(report.diagnostics.bySeverity, d.severity);
    if (report.diagnostics.list.length < MAX_LISTED) report.diagnostics.list.push(d);
  }
}

/** Total unknown records across versions. */
export function unknownTotal(report: ArchiveReport): number {
  let n = 0;
  for (const kinds of Object.values(report.unknownKindsByVersion)) for (const v of Object.values(kinds)) n += v;
  return n;
}

/** One line for the end of a build: what was read and what needs a look. */
export function reportLine(report: ArchiveReport): string {
  const gens = Object.entries(report.files.byGeneration)
    .sort()
    .map(([g, n]) => `gen ${g}: ${n}`)
    .join(', ');
  const warnings = (report.diagnostics.bySeverity.warning ?? 0) + (report.diagnostics.bySeverity.error ?? 0);
  return [
    `${report.sessions} sessions (${gens || 'none'})`,
    `${report.lines.records} records`,
    `${report.lines.damaged} damaged lines skipped`,
    `${unknownTotal(report)} unknown records kept raw`,
    `${warnings} warnings`,
  ].join(', ');
}
