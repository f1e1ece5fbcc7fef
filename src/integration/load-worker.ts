/**
 * Reads the content loader's rollouts on worker threads (cold builds).
 *
 * What the loader stores per file is a summary: read the rollout (mostly `JSON.parse`), summarise
 * it, redact the summary. That is CPU work on one thread, ~39 s at 20,000 sessions, while the
 * machine has more cores. `readInOrder` shares the files between this thread and a few workers,
 * each taking the next file when it has room, and gives the loader each file's outcome (a small
 * summary, never the session) in the order of its list, so what the store receives, and in which
 * order, is exactly what reading them one by one would give.
 *
 * A worker starts with the source's discovered files and thread names (what forks and names are
 * resolved against), so it never walks the home again. It costs ~0.3 s of CPU to start (loading
 * the reader and the redactor) and reads its first few hundred files slower than a warm thread
 * (its own JIT), which is why this thread keeps reading beside the workers instead of waiting. Whatever goes wrong with a worker (it fails
 * to start, throws, runs out of its heap, a message cannot be cloned) every worker is stopped and
 * the files they had, and all files after them, are read in this thread, with one logged line: a
 * worker decides only where a file is read, never what the store gets. Workers never keep the
 * process alive while idle, and are stopped when the last file is read.
 */
import { isMainThread, parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import type { RolloutFile } from '../lib/home/discover.ts';
import { contextFor, readRollout, summarise, type ReadResult } from '../lib/reader.ts';
import { redactDeep } from '../lib/redact/index.ts';
import { showControls } from '../lib/render/escape.ts';
import { asRedact, makeRedactor, type Redact } from './redaction.ts';
import { shortHash } from './utils/slug.ts';
import type { SessionSummary } from '../lib/model/session.ts';

/** `redactDeep` with this makes control and bidi characters visible in every string. */
const VISIBLE_CONTROLS = { hits: new Map<string, number>(), resetHits: () => {}, redact: showControls };

/** What reading one file gave the loader. */
export type ReadOutcome =
  | {
      ok: true;
      /** The session id as read (what `exclude.ids` and duplicates compare; never shown). */
      id: string;
      /** The working folder as read (what `exclude.cwd` matches). */
      cwd: string | null;
      /** The summary as stored, without `sourceRoot`: shown text redacted, `id` the one it is filed under. */
      entry: SessionSummary;
    }
  | {
      ok: false;
      /** Why the file could not be read (the loader reports it as `unreadable-file`). */
      message: string;
    };

/**
 * Reads, summarises and redacts one file: the same on either thread. Only a failure to read or
 * summarise becomes an outcome; anything else throws.
 */
export async function readOutcome(read: (file: RolloutFile) => Promise<ReadResult>, file: RolloutFile, redact: Redact): Promise<ReadOutcome> {
  let summary: SessionSummary;
  try {
    const { session } = await read(file);
    summary = summarise(session);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  // The id names the page folder and is not redacted like shown text: an id that holds a
  // secret (or an e-mail address) would publish it in a URL and a file name, and the verifier
  // would then refuse the whole build. Such a session is filed under a hash of its id.
  const id = redact(summary.id) === summary.id ? summary.id : `id-${shortHash(summary.id, 16)}`;
  // Identity fields stay as read: they locate the file and link pages, and are never shown raw.
  // Control and bidi characters in what lists, titles and search show become visible
  // markers (`⟨U+202E⟩`): a thread name must not reorder or hide the text around it.
  const shown = redactDeep(redact(summary), VISIBLE_CONTROLS);
  const lineage = summary.lineage && { ...shown.lineage!, forkedFrom: summary.lineage.forkedFrom, parent: summary.lineage.parent };
  return { ok: true, id: summary.id, cwd: summary.cwd, entry: { ...shown, id, file: summary.file, lineage } };
}

const TAG = 'codex-archive-load-worker';

/** What a worker is started with: one source's files and names, and the redaction options. */
interface Setup {
  [TAG]: true;
  /** Every discovered file of the source (forks resolve their base among them). */
  files: readonly RolloutFile[];
  threadNames: ReadonlyMap<string, string>;
  redact: boolean;
  emailAllowlist: string[];
}

type ToWorker = { pos: number; file: RolloutFile };
type FromWorker = { type: 'ready' } | { type: 'done'; pos: number; outcome: ReadOutcome } | { type: 'error'; message: string };

/** The worker side: reads each file it is sent (a few at once, to overlap their I/O). */
async function runWorker(setup: Setup): Promise<void> {
  const port = parentPort!;
  const context = contextFor(setup.files, setup.threadNames);
  const redact = asRedact(await makeRedactor(setup));
  port.on('message', (msg: ToWorker) => {
    readOutcome((file) => readRollout(file, context), msg.file, redact).then(
      (outcome) => port.postMessage({ type: 'done', pos: msg.pos, outcome } satisfies FromWorker),
      (e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker),
    );
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

if (!isMainThread && (workerData as Partial<Setup> | null)?.[TAG]) void runWorker(workerData as Setup);

/** How `readInOrder` reads. */
export interface ReadInOrderOptions {
  /** The files to read; `commit` gets their outcomes in this order. */
  files: readonly RolloutFile[];
  /** Every discovered file of their source, and its thread names (see `contextFor`). */
  all: readonly RolloutFile[];
  threadNames: ReadonlyMap<string, string>;
  /** Worker threads to start (0: read everything here). */
  workers: number;
  /** Read here too, beside the workers (default true; false leaves every file to them unless they fail). */
  mainReads?: boolean;
  /** This module as a source file URL (the loader is not always run from its own file). */
  workerUrl: URL;
  redact: boolean;
  emailAllowlist: readonly string[];
  /** Reads one file in this thread (what a worker does, with this thread's redactor). */
  readHere: (file: RolloutFile) => Promise<ReadOutcome>;
  /** Takes one outcome; called once per file, in the order of `files`, never two at once. */
  commit: (index: number, outcome: ReadOutcome) => Promise<void> | void;
  /** Files read at once in this thread, and per worker (default 4 each: their I/O overlaps). */
  concurrency?: number;
  perWorker?: number;
  /** Each worker's heap limits (default WORKER_LIMITS). */
  resourceLimits?: ResourceLimits;
  /** Where its one line about a failed worker goes. */
  log: (line: string) => void;
}

/** Where the files were read. */
export interface ReadStats {
  /** Files whose outcome came from a worker. */
  inWorkers: number;
  /** Files read in this thread (while workers started, without workers, or after one failed). */
  here: number;
  /** Workers started. */
  started: number;
  /** Why the workers were given up, if they were. */
  failure?: string;
}

/**
 * A worker's heap: its own limit, so a worker over it stops alone (its files are then read here)
 * instead of taking the build down. The young generation is set like the Astro process's (16 MB
 * semi-spaces): with the size V8 derives from a 512 MB limit, reading 3,000 sessions took ~10 %
 * more CPU (more scavenges of parse garbage).
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 48 };

interface Reader {
  worker: Worker;
  /** Positions sent and not answered (none before it says it is ready). */
  sent: Set<number>;
}

/**
 * Reads `files` (on workers when `workers` > 0, see the module comment) and hands each outcome to
 * `commit` in file order. Rejects if `readHere` or `commit` throws; workers are stopped either way.
 */
export function readInOrder(options: ReadInOrderOptions): Promise<ReadStats> {
  const { files, commit, readHere } = options;
  const concurrency = options.concurrency ?? 4;
  const perWorker = options.perWorker ?? 4;
  const stats: ReadStats = { inWorkers: 0, here: 0, started: 0 };
  /** Outcomes that arrived before the ones ahead of them: small summaries, so memory stays bounded. */
  const arrived = new Map<number, ReadOutcome>();
  /** Positions a failed worker had: read here first. */
  const retry: number[] = [];
  const readers: Reader[] = [];
  let next = 0;
  let committed = 0;
  let committing = false;
  let hereRunning = 0;
  let failed = false;
  let settled = false;

  return new Promise<ReadStats>((resolve, reject) => {
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      stopWorkers();
      if (error === undefined) resolve(stats);
      else reject(error);
    };

    const take = (): number | null => {
      // A failed or finished read hands out nothing more (the main thread's readers stop too).
      if (settled) return null;
      if (retry.length > 0) return retry.shift()!;
      return next < files.length ? next++ : null;
    };

    const deliver = (pos: number, outcome: ReadOutcome): void => {
      if (settled || pos < committed || arrived.has(pos)) return;
      arrived.set(pos, outcome);
      void drain();
    };

    /** Commits every outcome that is next in line, one at a time. */
    const drain = async (): Promise<void> => {
      if (committing) return;
      committing = true;
      try {
        while (!settled && arrived.has(committed)) {
          const outcome = arrived.get(committed)!;
          arrived.delete(committed);
          await commit(committed, outcome);
          committed++;
        }
      } catch (e) {
        finish(e);
      } finally {
        committing = false;
      }
      if (committed === files.length) finish();
    };

    /** Reads here: beside the workers, or instead of them (none asked for, or given up). */
    const readsHere = (): boolean => failed || readers.length === 0 || (options.mainReads ?? true);
    const startHere = (): void => {
      while (hereRunning < concurrency && readsHere() && (retry.length > 0 || next < files.length)) {
        hereRunning++;
        void (async () => {
          try {
            for (let pos = take(); pos !== null; pos = readsHere() ? take() : null) {
              const outcome = await readHere(files[pos]!);
              stats.here++;
              deliver(pos, outcome);
            }
          } catch (e) {
            finish(e);
          } finally {
            hereRunning--;
          }
        })();
      }
    };

    const pump = (reader: Reader): void => {
      while (!failed && !settled && reader.sent.size < perWorker && next < files.length) {
        const pos = next++;
        reader.sent.add(pos);
        // Alive while it owes an answer this thread waits for; idle, it lets the process end.
        if (reader.sent.size === 1) reader.worker.ref();
        reader.worker.postMessage({ pos, file: files[pos]! } satisfies ToWorker);
      }
    };

    const onMessage = (reader: Reader, msg: FromWorker): void => {
      if (failed || settled) return;
      if (msg.type === 'error') {
        giveUp(msg.message);
        return;
      }
      if (msg.type === 'done') {
        if (!reader.sent.delete(msg.pos)) return;
        if (reader.sent.size === 0) reader.worker.unref();
        stats.inWorkers++;
        deliver(msg.pos, msg.outcome);
      }
      // Ready, or has room again.
      pump(reader);
    };

    /** Any worker failed: stop them all, read what they had and everything left here. */
    const giveUp = (reason: string): void => {
      if (failed || settled) return;
      failed = true;
      stats.failure = reason;
      for (const r of readers) retry.push(...r.sent);
      retry.sort((a, b) => a - b);
      stopWorkers();
      options.log(`A worker reading sessions stopped (${reason}); the remaining files are read in the main thread.`);
      startHere();
    };

    const stopWorkers = (): void => {
      for (const r of readers.splice(0)) {
        r.sent.clear();
        r.worker.removeAllListeners();
        // A late error event must not be unhandled.
        r.worker.on('error', () => {});
        void r.worker.terminate().catch(() => {});
      }
    };

    if (files.length === 0) {
      finish();
      return;
    }
    const setup: Setup = {
      [TAG]: true,
      files: options.all,
      threadNames: options.threadNames,
      redact: options.redact,
      emailAllowlist: [...options.emailAllowlist],
    };
    for (let i = 0; i < options.workers && !failed; i++) {
      try {
        const worker = new Worker(options.workerUrl, {
          workerData: setup,
          resourceLimits: options.resourceLimits ?? WORKER_LIMITS,
        });
        worker.unref();
        const reader: Reader = { worker, sent: new Set() };
        readers.push(reader);
        stats.started++;
        worker.on('message', (msg: FromWorker) => onMessage(reader, msg));
        worker.on('error', (e) => giveUp(e.message));
        worker.on('messageerror', (e) => giveUp(e.message));
        worker.on('exit', (code) => giveUp(`exit ${code}`));
      } catch (e) {
        giveUp(e instanceof Error ? e.message : String(e));
      }
    }
    startHere();
  });
}
