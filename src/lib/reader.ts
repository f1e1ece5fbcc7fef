/**
 * The rollout reader: takes a Codex home (or any folder of rollout files) and turns every
 * session in it, of every format generation, into the normalised `Session` model.
 *
 * Streaming and never fatal: a file is read line by line, each line is parsed on its own, and
 * every line is accounted for exactly once (record, blank or damaged). Problems become
 * diagnostics with file and line; nothing is thrown for bad input.
 */
import path from 'node:path';
import { Session, SessionSummary, type Lineage } from './model/session.ts';
import type { Diagnostic } from './model/session.ts';
import { discoverRollouts, type Discovery, type RolloutFile } from './home/discover.ts';
import { readSavedSessionNames, readThreadNames } from './home/thread-names.ts';
import { readStateDb, type StateDb } from './home/state-db.ts';
import { readLines, readFileCapped, RolloutReadError } from './read/lines.ts';
import { SessionBuilder, emptyCounts, type RecordCounts } from './normalise/builder.ts';
import { clipLongStrings, MAX_TEXT_CHARS } from './normalise/clip.ts';
import { readFirstJsonValue, recoverTailItems } from './normalise/first-value.ts';
import { classifyLine, type LineRecord } from './normalise/records.ts';
import { arr, isObj, num, obj, str } from './normalise/values.ts';

export type { RecordCounts } from './normalise/builder.ts';

/** A session and what its file held. */
export interface ReadResult {
  session: Session;
  counts: RecordCounts;
}

/** What reading one file needs from the rest of the archive. */
export interface ReadContext {
  /** User-given thread names (session_index.jsonl), by thread id. */
  threadNames?: ReadonlyMap<string, string>;
  /** Find a rollout by the id in its file name: forks and reverts point into other files. */
  resolveRollout?: (id: string) => RolloutFile | null;
}

/** Generation-0 documents are rewritten whole; past this size a file is surely not one. */
const MAX_JSON_DOCUMENT_BYTES = 256 * 1024 * 1024;
/** Fork chains deeper than this are cut (and reported): a cycle or a pathological archive. */
const MAX_BASE_DEPTH = 8;

/**
 * Read one rollout file into a Session. Never throws for bad content; an unreadable file yields
 * a session with only what its name says, plus an error diagnostic.
 */
export async function readRollout(file: RolloutFile, context: ReadContext = {}): Promise<ReadResult> {
  const builder = new SessionBuilder({
    file: file.relPath,
    idFromName: file.threadId,
    archived: file.archived,
    mtimeMs: file.mtimeMs,
  });
  let generation: 0 | 1 | 2 | 3 = file.format === 'json' ? 0 : 2;
  try {
    if (file.format === 'json') {
      await readJsonDocument(file, builder);
    } else {
      generation = await readJsonl(file, builder, context);
    }
  } catch (err) {
    // Only I/O can land here (open/read failures): content problems are diagnostics already.
    const message = err instanceof RolloutReadError ? err.message : `Could not read ${file.relPath}: ${String(err)}`;
    builder.report(null, 'unreadable', message, 'error');
  }
  const threadName = (file.threadId && context.threadNames?.get(file.threadId)) || null;
  const raw = builder.finish({ threadName, generation });
  const named = !threadName && context.threadNames?.get(raw.id);
  const session = Session.parse(named ? { ...raw, threadName: named, title: named } : raw);
  return { session, counts: builder.counts };
}

async function readJsonl(file: RolloutFile, builder: SessionBuilder, context: ReadContext): Promise<0 | 1 | 2 | 3> {
  let generation: 1 | 2 | 3 | null = null;
  let sawHeader = false;
  const counts = builder.counts;
  for await (const raw of readLines(file.path, { compressed: file.compressed })) {
    counts.lines++;
    const record = parseLine(raw, builder, true);
    if (!record) continue;
    if (generation === null) {
      if (record.shape === 'envelope') generation = 2;
      else if (record.shape === 'bare-meta' || record.shape === 'bare-item' || record.shape === 'state') generation = 1;
    }
    if (!sawHeader && record.shape === 'envelope' && record.type === 'session_meta') {
      sawHeader = true;
      const meta = obj(record.payload);
      const mode = str(meta.history_mode);
      if (mode === 'paginated') generation = 3;
      else if (mode !== null && mode !== 'legacy') {
        builder.report(record.line, 'unsupported-history-mode', `History mode "${mode}" is not known: the session is listed with its metadata only.`, 'warning');
      }
      builder.add(record);
      await ingestBase(meta, builder, context, file, 1, new Set([file.path]));
      continue;
    }
    const inherited = record.shape === 'envelope' ? builder.ordinalIsInherited(record.ordinal) : null;
    if (inherited !== null) builder.setInherited(inherited);
    builder.add(record);
  }
  if (counts.lines === 0 || counts.lines === counts.blank) {
    builder.report(null, 'empty-file', 'The file is empty: Codex created it but recorded nothing.', 'info');
  }
  return generation ?? 2;
}

/**
 * Parse one physical line into a record, reporting what cannot be used. Returns null for
 * blank and damaged lines (counted as such when `count` is set).
 */
function parseLine(
  raw: { line: number; text: string; terminated: boolean; oversized: boolean; invalidUtf8: boolean; byteLength: number },
  builder: SessionBuilder,
  count: boolean,
): LineRecord | null {
  const counts = builder.counts;
  const report = count ? builder.report.bind(builder) : () => {};
  if (raw.oversized) {
    if (count) counts.damaged++;
    report(raw.line, 'oversized-line', `Line of ${raw.byteLength} bytes exceeds the reader's line limit and was skipped.`, 'error');
    return null;
  }
  if (!/\S/.test(raw.text)) {
    if (count) counts.blank++;
    return null;
  }
  if (raw.invalidUtf8) report(raw.line, 'invalid-utf8', 'The line is not valid UTF-8; bad bytes were replaced.', 'warning');
  let value: unknown;
  try {
    value = JSON.parse(raw.text);
  } catch (err) {
    const recovered = recoverAppendedRecord(raw.text);
    if (recovered !== undefined) {
      report(raw.line, 'recovered-line', 'A partial record was followed by a complete one on the same line; the complete one was kept.', 'warning');
      value = recovered;
    } else if (!raw.terminated) {
      if (count) {
        counts.damaged++;
        builder.markCutLastLine();
      }
      report(raw.line, 'truncated-last-line', 'The last line was cut off mid-write (killed session or file still being written); it was skipped.', 'warning');
      return null;
    } else {
      if (count) counts.damaged++;
      report(raw.line, 'invalid-json', `Not valid JSON (${(err as Error).message}); the line was skipped.`, 'warning');
      return null;
    }
  }
  // Only a line longer than the limit can hold a string longer than it: normal lines cost nothing.
  if (raw.text.length > MAX_TEXT_CHARS) {
    const omitted = clipLongStrings(value, raw.line);
    if (omitted > 0) {
      report(raw.line, 'clipped-text', `A text of this line was longer than ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters; its middle (${omitted.toLocaleString('en-US')} characters) is left out of the page and marked there.`, 'info');
    }
  }
  return classifyLine(value, raw.line);
}

/**
 * Before 2026-07-10 a resumed Codex appended its next record right after a partial line
 * (format doc §10.1): search from the right for an envelope start and keep the first suffix
 * that parses.
 */
function recoverAppendedRecord(text: string): unknown {
  let at = text.lastIndexOf('{"timestamp":"');
  while (at > 0) {
    try {
      const value: unknown = JSON.parse(text.slice(at));
      if (isObj(value) && 'payload' in value) return value;
    } catch {
      // keep looking further left
    }
    at = text.lastIndexOf('{"timestamp":"', at - 1);
  }
  return undefined;
}

/**
 * Paginated forks and reverts store only their own records and point at a prefix of another
 * rollout (`history_base`, or `forked_from_id` + `forked_from_ordinal_exclusive` as 0.169
 * writes it). Read that prefix first, marked inherited, so the page shows the whole thread
 * without presenting copied history as new work.
 */
async function ingestBase(
  meta: Record<string, unknown>,
  builder: SessionBuilder,
  context: ReadContext,
  self: RolloutFile,
  depth: number,
  seen: Set<string>,
): Promise<void> {
  const base = obj(meta.history_base);
  const baseId = str(base.thread_id) ?? (num(meta.forked_from_ordinal_exclusive) !== null ? str(meta.forked_from_id) : null);
  const endOrdinal = num(base.end_ordinal_exclusive) ?? num(meta.forked_from_ordinal_exclusive);
  const endByte = num(base.end_byte_offset);
  if (!baseId || (endOrdinal === null && endByte === null)) return;
  const file = context.resolveRollout?.(baseId) ?? null;
  if (!file || seen.has(file.path) || depth > MAX_BASE_DEPTH) {
    builder.report(
      null,
      'fork-base-missing',
      file
        ? `The history this thread continues (${baseId}) forms a cycle or a chain deeper than ${MAX_BASE_DEPTH}; only this file's own records are shown.`
        : `The history before ordinal ${endOrdinal ?? '?'} lives in rollout ${baseId}, which is not in this archive; only this file's own records are shown.`,
      'info',
    );
    return;
  }
  seen.add(file.path);
  builder.beginInherited(`b${depth}-`);
  try {
    let first = true;
    for await (const raw of readLines(file.path, { compressed: file.compressed })) {
      if (endByte !== null && raw.byteOffset >= endByte) break;
      const record = parseLine(raw, builder, false);
      if (!record) continue;
      if (record.shape === 'envelope' && endOrdinal !== null && record.ordinal !== null && record.ordinal >= endOrdinal) break;
      if (first && record.shape === 'envelope' && record.type === 'session_meta') {
        first = false;
        builder.add(record, { counted: false });
        builder.endInherited();
        await ingestBase(obj(record.payload), builder, context, file, depth + 1, seen);
        builder.beginInherited(`b${depth}-`);
        continue;
      }
      builder.add(record, { counted: false });
    }
  } catch (err) {
    builder.report(null, 'fork-base-unreadable', `Could not read the fork base ${file.relPath}: ${(err as Error).message}`, 'warning');
  } finally {
    builder.endInherited();
  }
  void self;
}

/** Generation 0: one JSON document `{session, items}`, possibly torn (see first-value.ts). */
async function readJsonDocument(file: RolloutFile, builder: SessionBuilder): Promise<void> {
  const counts = builder.counts;
  const doc = await readFileCapped(file.path, { maxBytes: MAX_JSON_DOCUMENT_BYTES, compressed: file.compressed });
  counts.lines = 1;
  if (doc.truncated) builder.report(1, 'oversized-document', `The document exceeds ${MAX_JSON_DOCUMENT_BYTES} bytes; only its start was read.`, 'error');
  if (doc.invalidUtf8) builder.report(1, 'invalid-utf8', 'The file is not valid UTF-8; bad bytes were replaced.', 'warning');
  if (doc.text.trim() === '') {
    counts.blank = 1;
    builder.report(null, 'empty-file', 'The file is empty: Codex created it but recorded nothing.', 'info');
    return;
  }
  const first = readFirstJsonValue(doc.text);
  if (doc.text.length > MAX_TEXT_CHARS && first.value !== undefined) {
    const omitted = clipLongStrings(first.value, 1);
    if (omitted > 0) builder.report(1, 'clipped-text', `Texts longer than ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters were clipped (${omitted.toLocaleString('en-US')} characters left out, marked on the page).`, 'info');
  }
  if (first.value === undefined || !isObj(first.value)) {
    counts.damaged = 1;
    builder.report(1, 'invalid-json', `The session document could not be read (${first.error ?? 'not an object'}).`, 'error');
    return;
  }
  const recovered = first.tail ? recoverTailItems(first.tail) : [];
  if (first.tail) {
    builder.report(
      1,
      'torn-tail',
      `Torn write: ${first.tail.length} characters of a newer save follow the document (the TypeScript CLI rewrote this file without waiting for earlier writes). The first complete document was used, plus ${recovered.length} whole item(s) recovered from the tail.`,
      'info',
    );
  }
  counts.records = 1;
  const session = obj(first.value.session);
  builder.add({ shape: 'bare-meta', payload: { ...session, id: str(session.id) ?? file.threadId ?? '', timestamp: session.timestamp ?? null }, line: 1 }, { counted: false });
  counts.byKind['(json file) session'] = 1;
  const items = [...arr(first.value.items), ...recovered];
  const seenIds = new Set<string>();
  for (const item of items) {
    if (!isObj(item)) continue;
    // The TypeScript CLI deduplicated by id when saving; an id seen twice is a stale copy.
    const id = str(item.id);
    if (id) {
      if (seenIds.has(id)) continue;
      seenIds.add(id);
    }
    const kind = `items[] ${String(item.type)}`;
    counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
    builder.add(classifyLine(item, 1), { counted: false });
  }
}

/** An archive opened for reading: its discovery plus a reader that knows the whole archive. */
export interface Archive {
  discovery: Discovery;
  /** The files that are a session's current rollout: one per thread (see `currentFiles`). */
  files: RolloutFile[];
  context: ReadContext;
  /** Problems with the archive as a whole (side files, superseded files), beside discovery's. */
  diagnostics: Diagnostic[];
  read(file: RolloutFile): Promise<ReadResult>;
}

/** Discover a source folder and load its side files (thread names), ready to read sessions. */
export async function openArchive(root: string, options: { exclude?: (relPath: string) => boolean } = {}): Promise<Archive> {
  const discovery = await discoverRollouts(root, options);
  const diagnostics: Diagnostic[] = [];
  const threadNames = await readThreadNames(discovery.sessionIndexPath, diagnostics);
  // Names from the other sources only where session_index.jsonl has none (format doc §8.2, §1.4b).
  const state = readStateDb(discovery.stateDbPath, diagnostics);
  for (const [id, row] of state?.threads ?? []) {
    if (row.name?.trim() && !threadNames.has(id)) threadNames.set(id, row.name.trim());
  }
  for (const [id, name] of await readSavedSessionNames(discovery.savedSessionsPath, diagnostics)) {
    if (!threadNames.has(id)) threadNames.set(id, name);
  }
  const context = contextFor(discovery.files, threadNames);
  const files = currentFiles(discovery.files, state, diagnostics);
  return { discovery, files, context, diagnostics, read: (file) => readRollout(file, context) };
}

/**
 * One file per thread (format doc §7.7, §10.3): a reverted paginated thread leaves older
 * immutable files behind; the current one is the one SQLite names, else the newest name. A
 * thread in both sessions/ and archived_sessions/ (an interrupted move) keeps the newer copy.
 * The others stay readable as fork bases and are reported, never silently dropped.
 */
export function currentFiles(files: RolloutFile[], state: StateDb | null, diagnostics: Diagnostic[]): RolloutFile[] {
  const byThread = new Map<string, RolloutFile[]>();
  const out: RolloutFile[] = [];
  for (const f of files) {
    if (!f.threadId) {
      out.push(f);
      continue;
    }
    byThread.set(f.threadId, [...(byThread.get(f.threadId) ?? []), f]);
  }
  for (const [threadId, group] of byThread) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const named = state?.threads.get(threadId)?.rolloutPath ?? null;
    const byState = named ? group.find((f) => path.basename(f.path) === path.basename(named)) : undefined;
    const chosen = byState ?? [...group].sort((a, b) => basenameOrder(b, a) || b.mtimeMs - a.mtimeMs)[0]!;
    out.push(chosen);
    for (const f of group) {
      if (f === chosen) continue;
      diagnostics.push({
        file: f.relPath,
        line: null,
        code: 'superseded-file',
        message: `Another file of thread ${threadId} is current (${chosen.relPath}); this one is an older revision or copy and gets no page of its own.`,
        severity: 'info',
      });
    }
  }
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** File names start with their creation time, so the later name is the newer revision. */
function basenameOrder(a: RolloutFile, b: RolloutFile): number {
  const x = path.basename(a.path);
  const y = path.basename(b.path);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The read context of an archive from its discovered files and thread names: what a worker
 * thread that reads some of its files builds without walking the home again (load-worker.ts).
 */
export function contextFor(files: readonly RolloutFile[], threadNames: ReadonlyMap<string, string>): ReadContext {
  const byId = new Map<string, RolloutFile>();
  for (const f of files) {
    for (const id of [f.rolloutId, f.threadId]) {
      // Plain sessions/ files win over archived ones for the same id.
      if (id && (!byId.has(id) || byId.get(id)!.archived)) byId.set(id, f);
    }
  }
  return { threadNames, resolveRollout: (id) => byId.get(id) ?? null };
}

/** Read every session of a source folder, one at a time (bounded memory). */
export async function* readArchive(
  root: string,
  options: { exclude?: (relPath: string) => boolean } = {},
): AsyncGenerator<ReadResult> {
  const archive = await openArchive(root, options);
  for (const file of archive.files) yield await archive.read(file);
}

/**
 * Re-read one session by its path relative to the source root: what a session page does at
 * build time, so the content store never has to hold transcripts.
 */
export async function readRolloutAt(root: string, relPath: string, names: { threadName?: string | null } = {}): Promise<ReadResult> {
  const archive = await archiveCache(root);
  const file = filesByPath(archive).get(relPath);
  if (!file) {
    throw new RolloutReadError(
      'ENOENT',
      path.join(root, relPath),
      `The session file ${relPath} is no longer in ${root}. Rebuild the archive to drop its page.`,
    );
  }
  const context: ReadContext = names.threadName
    ? { ...archive.context, threadNames: new Map([...(archive.context.threadNames ?? []), [file.threadId ?? '', names.threadName]]) }
    : archive.context;
  return readRollout(file, context);
}

/**
 * An archive's files by relative path: current files first, then superseded ones (a page asks
 * for its own file; searching the list each time made 20,000 pages 20,000 × 20,000 steps).
 */
function filesByPath(archive: Archive): Map<string, RolloutFile> {
  let map = byPath.get(archive);
  if (!map) {
    map = new Map();
    for (const f of [...archive.files, ...archive.discovery.files]) if (!map.has(f.relPath)) map.set(f.relPath, f);
    byPath.set(archive, map);
  }
  return map;
}
const byPath = new WeakMap<Archive, Map<string, RolloutFile>>();

/**
 * One discovery per source per thread: session pages re-read files, not folders. The map lives on
 * globalThis because Astro runs the content loader and the pages as separate module graphs (each
 * with its own copy of this module), and the loader's discovery, a walk of every rollout (~1.5 s
 * at 20,000 sessions), is the one the pages need: a rebuild that renders one page should not walk
 * the whole home again.
 */
const archives = ((globalThis as Record<symbol, unknown>)[Symbol.for('codex-archive.archives')] ??= new Map()) as Map<string, Promise<Archive>>;

/** Offers an archive just opened (by the content loader) to later `readRolloutAt` calls for the same root. */
export function shareArchive(root: string, archive: Archive): void {
  archives.set(root, Promise.resolve(archive));
}

function archiveCache(root: string): Promise<Archive> {
  let archive = archives.get(root);
  if (!archive) {
    archive = openArchive(root);
    archives.set(root, archive);
  }
  return archive;
}

/** Forget cached discoveries (tests, and long-running dev servers when files change). */
export function clearArchiveCache(): void {
  archives.clear();
}

/** The small record index pages need: no transcript. */
export function summarise(session: Session): SessionSummary {
  let failed = 0;
  for (const turn of session.turns) {
    for (const item of turn.items) {
      if (item.kind === 'shell' && item.status !== 'interrupted' && (item.status === 'failed' || (item.exitCode !== null && item.exitCode !== 0))) failed++;
    }
  }
  return SessionSummary.parse({
    id: session.id,
    file: session.file,
    archived: session.archived,
    title: session.title,
    threadName: session.threadName,
    startedAt: session.startedAt,
    cwd: session.cwd,
    source: session.source,
    modelNames: [...new Set(session.models.map((m) => m.model))],
    lineage: hasLineage(session.lineage) ? session.lineage : null,
    incomplete: session.incomplete,
    project: projectOf(session),
    // A fork's copied turns are its source's: lists count the turns this session added.
    turnCount: session.turns.filter((t) => !t.inherited).length,
    failedCommands: failed,
  });
}

/** Whether a session is a fork or a sub-agent, or says anything else of its lineage. */
function hasLineage(lineage: Lineage): boolean {
  return lineage.inheritedTurns > 0 || Object.entries(lineage).some(([key, value]) => key !== 'inheritedTurns' && value !== null);
}

/**
 * The project a session belongs to: its repository as `host/owner/name` (so SSH and HTTPS
 * remotes of one repository group together), else its working directory.
 */
export function projectOf(session: Pick<Session, 'git' | 'cwd'>): string | null {
  const url = session.git?.repositoryUrl;
  if (url) {
    const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)[:/](.+?)(?:\.git)?\/?$/i.exec(url.trim());
    if (m) return `${m[1]!.toLowerCase()}/${m[2]!}`;
    return url;
  }
  return session.cwd;
}
