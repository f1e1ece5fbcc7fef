/**
 * Re-scans a built site for secrets: the last net after redaction. Same detectors as the
 * redactor; placeholders are ignored. Reports file, rule and line, never the value.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, type BigIntStats, type Dirent } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { TOKEN_CHAR } from './findings.ts';
import { INVISIBLE } from './hidden.ts';
import { clipToGaps, createDetectors, placeholderRanges, scanCopy, type RedactionOptions } from './index.ts';

/** One finding in a built file. */
export interface VerifyFinding {
  /** Path relative to the scanned folder, `/`-separated. */
  file: string;
  rule: string;
  /** 1-based line of the decoded text (for Pagefind files: of the decompressed bytes). */
  line: number;
}

/** What a scan found and how much it read. */
export interface VerifyResult {
  findings: VerifyFinding[];
  filesScanned: number;
  bytesScanned: number;
  /** Files skipped because the same bytes were found clean before (with `cacheFile`). */
  filesReused?: number;
  /** Of `filesReused`, those recognised as a known file without being read (see "Known files"). */
  filesKnown?: number;
  /** Folders whose names were not scanned again: the same names were found clean before. */
  foldersReused?: number;
}

const TEXT_FILE = /\.(?:html|js|mjs|json|txt|xml)$/i;
/** Pagefind's index files: gzip-compressed, sometimes with a `pagefind_dcd` signature inside. */
const PAGEFIND_FILE = /\.(?:pf_meta|pf_index|pf_fragment|pf_filter)$/i;

/** Rules that are about privacy, not keys: the site's own chrome may name its author. */
const DEFAULT_IGNORED_RULES = new Set(['home-path', 'user-name']);

/** Options for `verifyDirectory`. */
export interface VerifyOptions extends Partial<RedactionOptions> {
  /** Rule ids not to report. Default: `home-path`, `user-name` (set explicitly to check them). */
  ignoreRules?: readonly string[];
  /**
   * A file (outside the scanned folder) of verdicts from earlier scans: the hashes of files found
   * clean. A file is skipped only when its exact bytes were found clean by the same detectors
   * (same detector sources and package versions) with the same options; it is rewritten with
   * the clean files of this scan. Beside it (`knownFilesPath`) the scan records which files held
   * those bytes (see "Known files" below), so an unchanged file is recognised without reading it.
   */
  cacheFile?: string;
  /**
   * Worker threads that read, hash and scan files; 0 checks them in the calling thread. Default:
   * one per core up to 4, none for a site of fewer than 200 files.
   */
  threads?: number;
  /**
   * A top-level folder still being written when the scan starts (the build's search index):
   * everything else is scanned first, then this folder once `ready` resolves true (its name is
   * scanned at once). `ready` resolving false abandons the scan with an error.
   */
  later?: { folder: string; ready: Promise<boolean> };
}

/*
 * Known files. Hashing every file to find its verdict reads the whole site (1.2 GB, ~5 s at
 * 20,000 sessions) although an incremental build links most of it unchanged from the last site
 * (src/integration/incremental.ts, pagefind.ts). So for each file found clean the scan also
 * records the file itself (`knownFilesPath`): `device:inode` -> `size:mtimeNs:kind:key`, stat
 * taken before the file was read. A file whose device, inode, size, modification time and decode
 * kind are those recorded is taken to hold the recorded bytes, and is not read. Why that is sound:
 * - any write to a file (write, truncate, mmap) sets its modification time to the current time,
 *   nanoseconds on Linux file systems; a file is recorded only when its modification time was at
 *   least KNOWN_FILE_MARGIN_MS before the scan started, so on a file system with coarse
 *   timestamps (1-2 s) a write after the stat still gets a later time than the recorded one;
 * - the stat is taken before the bytes are read, so a write while they are read leaves a newer
 *   modification time than the one recorded, and the next scan reads the file again;
 * - a file replaced by another (rename, delete and create; also a new file that gets a freed
 *   inode number) is a new inode or has a new modification time, unless a tool sets it back to
 *   the exact nanosecond of the recorded file of the same size and inode number;
 * - device and inode are compared, so a copy elsewhere never passes for the recorded file, and
 *   a file system without inode numbers (0) never uses the record;
 * - the record is used only under the same detectors and options (the verdict prefix) and while
 *   its key is still a clean verdict.
 * Not covered: someone deliberately writing a file and resetting its modification time. The
 * verifier guards against the build's own mistakes, and such a person could as well change the
 * site after the verifier ran.
 */
const KNOWN_FILE_MARGIN_MS = 3000;

/** Files and packages whose change means the detectors changed. */
function detectorVersion(): string {
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(here).sort()) {
    if (/\.(ts|js|mjs)$/.test(name)) hash.update(name).update('\0').update(readFileSync(join(here, name))).update('\0');
  }
  for (const pkg of ['@secretlint/core', '@secretlint/secretlint-rule-preset-recommend']) {
    try {
      const file = fileURLToPath(import.meta.resolve(`${pkg}/package.json`));
      hash.update(pkg).update(String(JSON.parse(readFileSync(file, 'utf8')).version));
    } catch {
      // Not resolvable by name (exports map): the file walk below still pins it.
      hash.update(pkg).update(String(Math.random()));
    }
  }
  return hash.digest('hex');
}

/** Decodes the HTML entities that hide characters detectors key on (`&quot;`, `&#61;`, …). */
function decodeEntities(s: string): string {
  return s.replace(/&(?:quot|amp|lt|gt|apos|#x([0-9a-f]+)|#(\d+));/gi, (m, hex, dec) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(Number(dec));
    return { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&apos;': "'" }[m.toLowerCase()] ?? m;
  });
}

/**
 * What splits a token on a page that the reader still sees whole: the colour spans of rendered
 * terminal output (`<span class=a31>`, src/lib/render/ansi.ts), markdown's inline tags
 * (`npm_abc<strong>def</strong>`, a code span's edge) and invisible characters (see hidden.ts),
 * with token characters on both sides (tags around whole words split nothing). Repetitions are
 * bounded, so a hostile page cannot make the pattern slow.
 */
const SPLIT_TAG = String.raw`<span class="?a\d[^<>]{0,64}>|</span>|</?(?:strong|em|s|del|code)>|${INVISIBLE}`;
const MAY_SPLIT = new RegExp(String.raw`<span class="?a\d|</?(?:strong|em|s|del|code)>|${INVISIBLE}`);
const SEEN_SPLIT = new RegExp(String.raw`${TOKEN_CHAR.source}(?:${SPLIT_TAG}){1,8}${TOKEN_CHAR.source}`);
const SEEN_SPLIT_G = new RegExp(SPLIT_TAG, 'g');

/**
 * The lines of a page where something splits a token, as seen, the others empty (so line
 * numbers stay); null when there are none. A token never spans a line, so only those lines
 * are read again.
 */
function seenLines(text: string): string | null {
  // Most pages have neither: a literal search rules them out before the costlier pattern.
  if (!MAY_SPLIT.test(text) || !SEEN_SPLIT.test(text)) return null;
  return text
    .split('\n')
    .map((line) => (MAY_SPLIT.test(line) && SEEN_SPLIT.test(line) ? line.replace(SEEN_SPLIT_G, '') : ''))
    .join('\n');
}

/** A scanner for one set of options: the detectors are built once, not once per text. */
function makeScanner(options: VerifyOptions = {}): (text: string, file: string) => VerifyFinding[] {
  const detectors = createDetectors({ homeDir: null, userName: null, ...options });
  const ignored = new Set(options.ignoreRules ?? DEFAULT_IGNORED_RULES);
  return (text, file) => {
    const out: VerifyFinding[] = [];
    const seen = new Set<string>();
    // HTML escapes quotes; scan the text as written and with entities decoded (lines stay the same).
    const variants = /&(?:quot|amp|#\d+|#x[0-9a-f]+);/i.test(text) ? [text, decodeEntities(text)] : [text];
    const asSeen = seenLines(variants.at(-1)!);
    if (asSeen !== null) variants.push(asSeen);
    for (const t of variants) {
      const ranges = placeholderRanges(t);
      const findings = clipToGaps(detectors.find(scanCopy(t, ranges)), ranges);
      if (findings.length === 0) continue;
      const lineStarts = [0];
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      for (const f of findings) {
        if (ignored.has(f.rule)) continue;
        let lo = 0;
        let hi = lineStarts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (lineStarts[mid]! <= f.start) lo = mid;
          else hi = mid - 1;
        }
        const key = `${f.rule}:${lo + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ file, rule: f.rule, line: lo + 1 });
      }
    }
    return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
  };
}

/** Scans one text; `file` names it in the findings. */
export function scanText(text: string, file: string, options: VerifyOptions = {}): VerifyFinding[] {
  return makeScanner(options)(text, file);
}

/** The text of a built file, or null when it is not one we scan. */
export function decodeBuiltFile(name: string, bytes: Buffer): string | null {
  if (PAGEFIND_FILE.test(name)) {
    let raw: Buffer;
    try {
      raw = gunzipSync(bytes);
    } catch {
      raw = bytes; // not compressed after all: scan as it is
    }
    return raw.toString('latin1');
  }
  if (TEXT_FILE.test(name)) return bytes.toString('utf8');
  return null;
}

/**
 * A unit of work: a folder (list it, scan the names in it, queue what is inside) or a file (check
 * it). Paths are relative to the scanned folder, `/`-separated: how findings name them.
 */
interface Job {
  folder: boolean;
  rel: string;
}

/** What checking one file gave. */
interface FileOutcome {
  /** Verdict key (empty without a cache). */
  key: string;
  /** `[device:inode, size:mtimeNs:kind:key]` of a clean file old enough to be recognised next time. */
  known?: [string, string];
  /** Skipped: the same bytes were found clean before. */
  reused: boolean;
  /** Reused without reading: a known file. */
  unread?: boolean;
  /** Decoded and scanned (characters in `chars`). */
  scanned: boolean;
  chars: number;
  findings: VerifyFinding[];
}

/** What listing one folder gave: findings in its entries' names, and what to do next. */
interface FolderOutcome {
  findings: VerifyFinding[];
  jobs: Job[];
  /** The verdict key of its names, when they are clean (found so now, or before: `reused`). */
  key?: string;
  reused?: boolean;
}

/** What every thread checking files needs. */
interface CheckContext {
  /** The scanned folder. */
  root: string;
  /** Verdict key prefix (detectors + options); empty without a cache. */
  prefix: string;
  /** Keys of files found clean before; null without a cache. */
  clean: Set<string> | null;
  /** Known files (`device:inode` -> `size:mtimeNs:kind:key`); null without a cache. */
  known: Map<string, string> | null;
  /** Files last modified before this time (ns since the epoch) may be recorded as known. */
  knownBefore: bigint;
  /** A top-level folder listed only when the caller says it is ready (`VerifyOptions.later`). */
  later: string | null;
  scan: (text: string, file: string) => VerifyFinding[];
}

const abs = (ctx: CheckContext, rel: string) => (rel ? join(ctx.root, ...rel.split('/')) : ctx.root);

/**
 * Lists one folder (entries sorted by name) and scans every entry's name: names are published too
 * (URLs), so a page folder named after a token is a leak. The finding names the parent folder
 * only, never the value. Symbolic links are not followed (a link could lead out of the site).
 */
function listFolder(rel: string, ctx: CheckContext): FolderOutcome {
  const out: FolderOutcome = { findings: [], jobs: [] };
  const entries = readdirSync(abs(ctx, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  // Names, like files, have verdicts: scanning each of a 20,000-session site's ~64,000 names took
  // ~2 s of CPU on every build, and the ~20,000 page folders all hold the same `index.html`.
  const key = ctx.clean ? namesKey(ctx.prefix, entries) : null;
  const scanNames = !(key && ctx.clean!.has(key));
  if (!scanNames) out.reused = true;
  for (const e of entries) {
    const where = `${rel ? `${rel}/` : ''}[${e.isDirectory() ? 'folder' : 'file'} name]`;
    if (scanNames) for (const f of ctx.scan(e.name, where)) out.findings.push({ ...f, line: 0 });
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && child === ctx.later) continue;
    if (e.isDirectory()) out.jobs.push({ folder: true, rel: child });
    else if (e.isFile() && (TEXT_FILE.test(e.name) || PAGEFIND_FILE.test(e.name))) out.jobs.push({ folder: false, rel: child });
  }
  if (key && out.findings.length === 0) out.key = key;
  return out;
}

/** The verdict key of a folder's names (and which are folders): detectors and options, then the names. */
function namesKey(prefix: string, entries: readonly Dirent[]): string {
  const hash = createHash('sha256').update(prefix).update('names');
  for (const e of entries) hash.update(e.isDirectory() ? '\0d' : '\0f').update(e.name);
  return hash.digest('base64url');
}

/** How a file is decoded, part of its verdict key: Pagefind's compressed files or text. */
const decodeKind = (path: string): 'pf' | 'text' => (PAGEFIND_FILE.test(path) ? 'pf' : 'text');

/** The verdict key of one file's bytes: detectors and options (`prefix`), decode kind, bytes. */
function verdictKey(prefix: string, path: string, bytes: Buffer): string {
  return createHash('sha256').update(prefix).update(decodeKind(path)).update(bytes).digest('base64url');
}

/** What a known-file record says about a file: `size:mtimeNs:kind:` (its verdict key follows). */
function knownFacts(st: BigIntStats, kind: string): string {
  return `${st.size}:${st.mtimeNs}:${kind}:`;
}

/** Reused read buffer of `hashFile` (one per thread). */
let chunk: Buffer | null = null;

/** `verdictKey` of a file, read in 1 MiB chunks into one reused buffer (nothing is kept). */
function hashFile(prefix: string, path: string): string {
  chunk ??= Buffer.allocUnsafe(1 << 20);
  const hash = createHash('sha256').update(prefix).update(PAGEFIND_FILE.test(path) ? 'pf' : 'text');
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, chunk, 0, chunk.length, null); n > 0; n = readSync(fd, chunk, 0, chunk.length, null)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('base64url');
}

/**
 * Looks a file's exact bytes up among the clean verdicts (hashing it as it streams by), else
 * reads it whole, decodes and scans it. The key of a scanned file is computed again from the very
 * bytes scanned, so a verdict always holds for the bytes that were seen clean.
 */
function checkFile(rel: string, ctx: CheckContext): FileOutcome {
  const path = abs(ctx, rel);
  if (!ctx.clean) return checkBytes(rel, readFileSync(path), ctx);
  // Stat before reading: a write from now on leaves a newer modification time (see "Known files").
  const st = ctx.known ? lstatSync(path, { bigint: true }) : null;
  const id = st && st.ino !== 0n ? `${st.dev}:${st.ino}` : null;
  const facts = id ? knownFacts(st!, decodeKind(rel)) : '';
  const record = id ? ctx.known!.get(id) : undefined;
  let outcome: FileOutcome | null = null;
  if (record?.startsWith(facts)) {
    const key = record.slice(facts.length);
    if (ctx.clean.has(key)) outcome = { key, reused: true, unread: true, scanned: false, chars: 0, findings: [] };
  }
  if (!outcome) {
    const key = hashFile(ctx.prefix, path);
    outcome = ctx.clean.has(key) ? { key, reused: true, scanned: false, chars: 0, findings: [] } : checkBytes(rel, readFileSync(path), ctx);
  }
  const clean = outcome.reused || (outcome.scanned && outcome.findings.length === 0);
  if (id && clean && st!.mtimeNs < ctx.knownBefore) outcome.known = [id, facts + outcome.key];
  return outcome;
}

/** Decodes and scans one file's bytes (`rel` decides how they are decoded and names findings). */
function checkBytes(rel: string, bytes: Buffer, ctx: Pick<CheckContext, 'prefix' | 'clean' | 'scan'>): FileOutcome {
  const key = ctx.clean ? verdictKey(ctx.prefix, rel, bytes) : '';
  const text = decodeBuiltFile(rel, bytes);
  if (text === null) return { key, reused: false, scanned: false, chars: 0, findings: [] };
  return { key, reused: false, scanned: true, chars: text.length, findings: ctx.scan(text, rel) };
}

/** The options that decide a scan's outcome: everything but where verdicts go and how many threads. */
function scanOptionsOf(options: VerifyOptions): VerifyOptions {
  const { cacheFile: _cacheFile, threads: _threads, later: _later, ...scanOptions } = options;
  return scanOptions;
}

/** The verdict key prefix of a scan with these options: detector sources + versions + options. */
export function verdictPrefix(options: VerifyOptions = {}): string {
  return createHash('sha256').update(detectorVersion()).update(JSON.stringify(scanOptionsOf(options))).digest('hex');
}

/** What `createBytesChecker` says about one file's bytes. */
export interface BytesVerdict {
  /** Verdict key of these exact bytes (detectors + options + decode kind + bytes). */
  key: string;
  /** Scanned with no finding: `verifyDirectory` with the same options skips a file of these bytes. */
  clean: boolean;
  /** Characters scanned (0: not a file kind the verifier scans). */
  chars: number;
  findings: VerifyFinding[];
}

/**
 * Checks files' bytes exactly as `verifyDirectory` with the same options checks a file it has no
 * verdict for (same detectors, decoding and ignored rules), without a folder: for bytes about to
 * be written. A clean verdict's key, recorded with `saveVerdicts` under `prefix`, lets
 * `verifyDirectory` skip a file whose bytes are exactly these.
 */
export function createBytesChecker(options: VerifyOptions = {}): { prefix: string; check: (rel: string, bytes: Buffer) => BytesVerdict } {
  const scanOptions = scanOptionsOf(options);
  const ctx = { prefix: verdictPrefix(scanOptions), clean: new Set<string>(), scan: makeScanner(scanOptions) };
  return {
    prefix: ctx.prefix,
    check(rel, bytes) {
      const o = checkBytes(rel, bytes, ctx);
      return { key: o.key, clean: o.scanned && o.findings.length === 0, chars: o.chars, findings: o.findings };
    },
  };
}

/**
 * Writes a verdict file atomically (a temporary file renamed over it). With `merge`, the clean
 * keys already in the file under the same prefix are kept (a file under another prefix holds
 * verdicts no longer valid for these detectors and options: they are dropped); without, the file
 * holds exactly `keys`.
 */
export async function saveVerdicts(cacheFile: string, prefix: string, keys: Iterable<string>, { merge = false } = {}): Promise<void> {
  const all = new Set(keys);
  if (merge) {
    try {
      const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as { prefix: string; clean: string[] };
      if (saved.prefix === prefix) for (const k of saved.clean) all.add(k);
    } catch {
      // No file yet, or not readable: nothing to keep.
    }
  }
  await writeAtomically(cacheFile, JSON.stringify({ prefix, clean: [...all].sort() }));
}

/**
 * The known files of a verdict file live beside it (`verified.json` -> `verified.known.json`):
 * only `verifyDirectory` writes them, and what they hold depends on when files were written, while
 * the verdicts themselves depend only on bytes.
 */
export function knownFilesPath(cacheFile: string): string {
  return join(dirname(cacheFile), `${basename(cacheFile, '.json')}.known.json`);
}

/** Writes a file by renaming a temporary one over it. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

type Outcome = { folder: true; outcome: FolderOutcome } | { folder: false; outcome: FileOutcome };

function runJob(job: Job, ctx: CheckContext): Outcome {
  return job.folder ? { folder: true, outcome: listFolder(job.rel, ctx) } : { folder: false, outcome: checkFile(job.rel, ctx) };
}

/** Marks the worker threads of `verifyDirectory` (this module, loaded again in a worker). */
const WORKER_TAG = 'codex-archive-verify-worker';
/** Below this many files a default scan stays in the calling thread (starting workers costs ~0.3 s). */
const MIN_FILES_FOR_WORKERS = 200;
/** Jobs handed to a worker at a time; each worker holds at most two such batches. */
const BATCH = 16;

interface WorkerSetup {
  [WORKER_TAG]: true;
  root: string;
  prefix: string;
  clean: string[] | null;
  known: Record<string, string> | null;
  knownBefore: bigint;
  later: string | null;
  scanOptions: VerifyOptions;
}

type FromWorker = { type: 'outcomes'; outcomes: Outcome[] } | { type: 'error'; message: string };
type ToWorker = { type: 'jobs'; jobs: Job[] } | { type: 'end' };

/** The worker side: do the jobs it is sent, answer with their outcomes. */
function runWorker(setup: WorkerSetup): void {
  const port = parentPort!;
  const ctx: CheckContext = {
    root: setup.root,
    prefix: setup.prefix,
    clean: setup.clean ? new Set(setup.clean) : null,
    known: setup.known ? new Map(Object.entries(setup.known)) : null,
    knownBefore: setup.knownBefore,
    later: setup.later,
    scan: makeScanner(setup.scanOptions),
  };
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'end') {
      port.close();
      return;
    }
    try {
      port.postMessage({ type: 'outcomes', outcomes: msg.jobs.map((job) => runJob(job, ctx)) } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerSetup> | null)?.[WORKER_TAG]) runWorker(workerData as WorkerSetup);

/**
 * The shared queue of folders and files. Folders go first (listing them finds more work); files
 * are checked in any order. Every outcome is summed or sorted at the end, so the result does not
 * depend on which thread did what, or when.
 */
class Queue {
  private folders: Job[] = [];
  private files: Job[] = [];
  private fileHead = 0;
  filesSeen = 0;
  readonly result: VerifyResult = { findings: [], filesScanned: 0, bytesScanned: 0, filesReused: 0, filesKnown: 0, foldersReused: 0 };
  readonly cleanNow: string[] = [];
  readonly knownNow: [string, string][] = [];
  private readonly keepVerdicts: boolean;

  constructor(keepVerdicts: boolean) {
    this.keepVerdicts = keepVerdicts;
    this.folders.push({ folder: true, rel: '' });
  }

  /** More work from outside the walk (a folder listed later). */
  push(job: Job): void {
    if (job.folder) this.folders.push(job);
    else {
      this.files.push(job);
      this.filesSeen++;
    }
  }

  get size(): number {
    return this.folders.length + this.files.length - this.fileHead;
  }

  take(max: number): Job[] {
    const jobs = this.folders.splice(Math.max(0, this.folders.length - max));
    const more = Math.min(max - jobs.length, this.files.length - this.fileHead);
    for (let i = 0; i < more; i++) jobs.push(this.files[this.fileHead++]!);
    if (this.fileHead > 4096 && this.fileHead * 2 > this.files.length) {
      this.files = this.files.slice(this.fileHead);
      this.fileHead = 0;
    }
    return jobs;
  }

  add(o: Outcome): void {
    if (o.folder) {
      this.result.findings.push(...o.outcome.findings);
      if (o.outcome.reused) this.result.foldersReused!++;
      if (this.keepVerdicts && o.outcome.key) this.cleanNow.push(o.outcome.key);
      for (const job of o.outcome.jobs) {
        if (job.folder) this.folders.push(job);
        else {
          this.files.push(job);
          this.filesSeen++;
        }
      }
      return;
    }
    const f = o.outcome;
    if (f.reused) this.result.filesReused!++;
    if (f.unread) this.result.filesKnown!++;
    if (f.scanned) {
      this.result.filesScanned++;
      this.result.bytesScanned += f.chars;
      this.result.findings.push(...f.findings);
    }
    if (this.keepVerdicts && (f.reused || (f.scanned && f.findings.length === 0))) this.cleanNow.push(f.key);
    if (this.keepVerdicts && f.known) this.knownNow.push(f.known);
  }
}

/**
 * Worker threads working the queue until it is empty, nothing is in flight and `more` (work that
 * comes later, e.g. a folder still being written) has been added.
 */
function runPool(count: number, setup: WorkerSetup, queue: Queue, more: Promise<Job[]> | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    const inFlight = new Map<Worker, number>();
    let failed = false;
    let exited = 0;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e);
    };
    const busy = () => [...inFlight.values()].some((n) => n > 0);
    let waiting = more !== null;
    const feed = () => {
      for (const w of workers) {
        let n = inFlight.get(w)!;
        while (n < 2 && queue.size > 0) {
          // Small batches while the queue is short, so both workers get a share of the folders.
          const jobs = queue.take(Math.max(1, Math.min(BATCH, Math.ceil(queue.size / count))));
          w.postMessage({ type: 'jobs', jobs } satisfies ToWorker);
          n++;
        }
        inFlight.set(w, n);
      }
      if (queue.size === 0 && !busy() && !waiting) for (const w of workers) w.postMessage({ type: 'end' } satisfies ToWorker);
    };
    more?.then(
      (jobs) => {
        if (failed) return;
        for (const job of jobs) queue.push(job);
        waiting = false;
        feed();
      },
      (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))),
    );
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL(import.meta.url), { workerData: setup });
      workers.push(worker);
      inFlight.set(worker, 0);
      worker.on('message', (msg: FromWorker) => {
        if (failed) return;
        if (msg.type === 'error') return fail(new Error(msg.message));
        for (const o of msg.outcomes) queue.add(o);
        inFlight.set(worker, inFlight.get(worker)! - 1);
        feed();
      });
      worker.on('error', (e) => fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a verifier thread stopped (exit ${code})`));
        else if (++exited === count && !failed) resolve();
      });
    }
    feed();
  });
}

/**
 * Scans every .html, .js, .json, .txt, .xml file and Pagefind index file under `dir`, and the
 * names of every file and folder. Symbolic links are not followed (a link could lead out of the
 * site).
 *
 * Folders are listed and files read, hashed and scanned by worker threads (`threads`, default
 * one per core up to 4, none for a site of fewer than 200 files). The result is the same whatever
 * the thread count.
 */
export async function verifyDirectory(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const { cacheFile, threads } = options;
  const scanOptions = scanOptionsOf(options);
  // Verdict key: detectors + options + how the file is decoded + its exact bytes.
  const prefix = cacheFile ? verdictPrefix(scanOptions) : '';
  // Files modified since this time are not recorded as known (see "Known files").
  const knownBefore = BigInt(Date.now() - KNOWN_FILE_MARGIN_MS) * 1_000_000n;
  let clean: Set<string> | null = null;
  let known: Record<string, string> | null = null;
  if (cacheFile) {
    clean = new Set();
    known = {};
    try {
      const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as { prefix: string; clean: string[] };
      if (saved.prefix === prefix) clean = new Set(saved.clean);
    } catch {
      // No earlier verdicts.
    }
    try {
      const saved = JSON.parse(await readFile(knownFilesPath(cacheFile), 'utf8')) as { prefix: string; known: Record<string, string> };
      if (saved.prefix === prefix) known = saved.known;
    } catch {
      // No known files.
    }
  }
  const later = options.later ?? null;
  const ctx: CheckContext = { root: dir, prefix, clean, known: known ? new Map(Object.entries(known)) : null, knownBefore, later: later?.folder ?? null, scan: makeScanner(scanOptions) };
  // The later folder's listing job, once the caller says it is complete.
  const laterJobs: Promise<Job[]> | null = later
    ? later.ready.then((ready) => {
        if (!ready) throw new Error(`the scan was stopped before ${later.folder}/ was ready`);
        return existsSync(join(dir, later.folder)) ? [{ folder: true, rel: later.folder }] : [];
      })
    : null;
  // Handled where it is awaited; this keeps an early failure elsewhere from leaving it unhandled.
  laterJobs?.catch(() => {});
  const queue = new Queue(Boolean(cacheFile));
  const count = threads ?? Math.min(4, availableParallelism());
  // By default, list folders here until the site proves big enough for threads.
  if (threads === undefined) {
    while (queue.size > 0 && (count < 2 || queue.filesSeen < MIN_FILES_FOR_WORKERS)) queue.add(runJob(queue.take(1)[0]!, ctx));
  }
  let laterQueued = false;
  if (count >= 1 && queue.size > 0) {
    const setup: WorkerSetup = { [WORKER_TAG]: true, root: dir, prefix, clean: clean ? [...clean] : null, known, knownBefore, later: ctx.later, scanOptions };
    await runPool(count, setup, queue, laterJobs);
    laterQueued = true;
  }
  while (queue.size > 0) queue.add(runJob(queue.take(1)[0]!, ctx));
  if (laterJobs && !laterQueued) {
    for (const job of await laterJobs) queue.push(job);
    while (queue.size > 0) queue.add(runJob(queue.take(1)[0]!, ctx));
  }
  const { result, cleanNow, knownNow } = queue;
  // Stable sort: findings of one file (or of the names in one folder) keep their own order.
  result.findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  // Only this site's clean files: verdicts of files no longer in it are dropped.
  if (cacheFile) {
    await saveVerdicts(cacheFile, prefix, cleanNow);
    knownNow.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await writeAtomically(knownFilesPath(cacheFile), JSON.stringify({ prefix, known: Object.fromEntries(knownNow) }));
  }
  return result;
}
