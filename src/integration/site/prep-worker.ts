/**
 * Prepares session pages ahead of Astro's render loop, on a worker thread.
 *
 * Astro renders pages one at a time on one core, in the order getStaticPaths returned them
 * (src/pages/s/[id]/index.astro). About half of a session page's time is `prepareSession`
 * (session-prep.ts: read, cut, redact, digest), which needs only the file and the options. So
 * when page i is asked for, the next `ahead` pages (in that order) are planned, and the worker is
 * kept busy with the first of them: by the time Astro gets to a page, its session is usually
 * prepared. A page whose session the worker has not started yet is prepared in the render thread
 * as before (`take` returns null), so the two threads share the work when the worker falls behind.
 *
 * Sessions the incremental build expects to reuse are not planned (Astro does not render them).
 * When one renders after all (Astro also keys pages by their template), it is prepared in the
 * render thread and planning stops skipping, so a full re-render is prepared ahead too.
 *
 * Whatever goes wrong (the worker fails to start, throws, runs out of its heap, a session cannot
 * be cloned) the page is prepared in the render thread, with one logged line: a look-ahead never
 * decides what a page contains, only where its session was prepared. The worker never keeps the
 * process alive, and is stopped once the last planned session is handed over.
 */
import { isMainThread, parentPort, Worker, workerData, type ResourceLimits } from 'node:worker_threads';
import { makeRedactor } from '../redaction.ts';
import { prepareSession, type PreparedSession, type PrepInput, type PrepOptions } from './session-prep.ts';

const TAG = 'codex-archive-prep-worker';

/** What the worker is started with. */
interface Setup {
  [TAG]: true;
  options: PrepOptions;
  redact: boolean;
  emailAllowlist: string[];
}

type ToWorker = { seq: number; input: PrepInput };
type FromWorker = { seq: number; prepared: PreparedSession } | { seq: number; error: string };

/** The worker side: prepares each session it is sent, one at a time, in the order sent. */
function runWorker(setup: Setup): void {
  const port = parentPort!;
  const redactor = makeRedactor(setup);
  let chain = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    // One at a time: a page's redaction counts are the growth of the shared hit counts.
    chain = chain.then(async () => {
      try {
        const prepared = await prepareSession(msg.input, setup.options, await redactor);
        port.postMessage({ seq: msg.seq, prepared } satisfies FromWorker);
      } catch (e) {
        port.postMessage({ seq: msg.seq, error: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
      }
    });
  });
}

if (!isMainThread && (workerData as Partial<Setup> | null)?.[TAG]) runWorker(workerData as Setup);

/** How a look-ahead is set up. */
export interface LookAheadOptions {
  /** This module as a source file URL (a page bundle cannot start a worker from itself). */
  workerUrl: URL;
  /** Every session page, in the order Astro renders them. */
  order: readonly PrepInput[];
  options: PrepOptions;
  redact: boolean;
  emailAllowlist: readonly string[];
  /** Whether the incremental build expects to reuse this session's page (not planned). */
  reused?: (id: string) => boolean;
  /** Sessions planned ahead of the page being rendered, prepared or not (default 8). */
  ahead?: number;
  /** Sessions handed to the worker at once (default 2: one it works on, one waiting). */
  inWorker?: number;
  /** The worker's heap limits (default: 256 MB of old generation). */
  resourceLimits?: ResourceLimits;
  /** Where its one-line notices go (default console.log). */
  log?: (line: string) => void;
  /** Where its closing summary goes (default `log`). */
  summary?: (line: string) => void;
}

/** What a look-ahead did. */
export interface LookAheadStats {
  /** Pages asked for whose session came from the worker. */
  fromWorker: number;
  /** Pages asked for that were left to the render thread (not planned, not started, or failed). */
  inProcess: number;
  /** Sessions prepared on the worker for pages that never asked (Astro reused them after all). */
  unused: number;
  /** Times the worker failed. */
  failures: number;
}

interface Planned {
  pos: number;
  input: PrepInput;
  /** Set once handed to the worker. */
  seq: number | null;
  promise: Promise<PreparedSession | null>;
  resolve: (p: PreparedSession | null) => void;
  /** What `promise` resolved to, once it has. */
  result?: PreparedSession | null;
  /** Asked for by its page. */
  taken?: boolean;
}

/** Failures before the look-ahead gives up for the rest of the build (a worker that never answered: at once). */
const MAX_FAILURES = 3;

/** One build's look-ahead over its session pages (see the module comment). */
export class SessionLookAhead {
  readonly stats: LookAheadStats = { fromWorker: 0, inProcess: 0, unused: 0, failures: 0 };
  private readonly positions = new Map<string, number>();
  private readonly planned = new Map<string, Planned>();
  /** Handed to the worker and not answered, by message number. */
  private readonly sent = new Map<number, Planned>();
  private readonly settings: Required<Omit<LookAheadOptions, 'resourceLimits' | 'reused' | 'summary'>> & Pick<LookAheadOptions, 'resourceLimits' | 'reused' | 'summary'>;
  private worker: Worker | null = null;
  /** Positions below this were considered for planning already. */
  private frontier = 0;
  private skipping = true;
  private seq = 0;
  private closed = false;
  /** Whether the current worker has answered at all (one that cannot start is not restarted). */
  private answered = false;

  constructor(settings: LookAheadOptions) {
    this.settings = { ahead: 8, inWorker: 2, log: (line) => console.log(line), ...settings };
    settings.order.forEach((input, i) => this.positions.set(input.id, i));
  }

  /**
   * The prepared session for the page being rendered, or null: prepare it in the render thread.
   * Plans and starts the sessions after it first, so the worker works while this page renders.
   */
  take(id: string): Promise<PreparedSession | null> {
    const pos = this.positions.get(id);
    if (this.closed || pos === undefined) {
      this.stats.inProcess++;
      return Promise.resolve(null);
    }
    const entry = this.planned.get(id);
    this.planned.delete(id);
    if (!entry && this.skipping && this.settings.reused?.(id)) {
      // Astro renders a page the incremental build thought reused (its template changed): plan
      // every page from here on.
      this.skipping = false;
      this.frontier = pos + 1;
      this.settings.log(`codex-archive: session pages expected to be reused are rendering; preparing every session page ahead from here on.`);
    }
    for (const [other, p] of this.planned) {
      // Astro went past it without asking: it reused that page after all.
      if (p.pos < pos) {
        this.planned.delete(other);
        this.stats.unused++;
      }
    }
    this.plan(pos);
    this.pump();
    // Not started, or the worker is still starting (loading its modules, discovering the
    // sources: up to a second at 20,000 sessions): quicker here than waiting.
    if (!entry || entry.seq === null || (!this.answered && entry.result === undefined)) {
      this.stats.inProcess++;
      this.closeIfDone();
      return Promise.resolve(null);
    }
    // Counted when answered (now, if it was): before `close` logs the summary.
    entry.taken = true;
    if (entry.result !== undefined) this.count(entry.result);
    this.closeIfDone();
    return entry.promise;
  }

  private count(prepared: PreparedSession | null): void {
    if (prepared) this.stats.fromWorker++;
    else this.stats.inProcess++;
  }

  /** Plans the sessions after `pos` up to `ahead` in all. */
  private plan(pos: number): void {
    const { order, ahead, reused } = this.settings;
    if (this.frontier <= pos) this.frontier = pos + 1;
    while (this.planned.size < ahead && this.frontier < order.length) {
      const input = order[this.frontier]!;
      const q = this.frontier++;
      if (this.planned.has(input.id) || (this.skipping && reused?.(input.id))) continue;
      let settle!: (p: PreparedSession | null) => void;
      const promise = new Promise<PreparedSession | null>((r) => (settle = r));
      const entry: Planned = { pos: q, input, seq: null, promise, resolve: (p) => {
        if (entry.result !== undefined) return;
        entry.result = p;
        if (entry.taken) this.count(p);
        settle(p);
      } };
      this.planned.set(input.id, entry);
    }
  }

  /** Hands the worker the first planned sessions it does not have yet, up to `inWorker`. */
  private pump(): void {
    while (!this.closed && this.sent.size < this.settings.inWorker) {
      let next: Planned | null = null;
      for (const p of this.planned.values()) if (p.seq === null && (!next || p.pos < next.pos)) next = p;
      if (!next) return;
      const worker = this.ensureWorker();
      if (!worker) return;
      next.seq = this.seq++;
      this.sent.set(next.seq, next);
      // Alive while it owes an answer the render thread may be waiting for (an idle unref'd
      // worker lets the process end; a busy one must not let it end with a page pending).
      if (this.sent.size === 1) worker.ref();
      worker.postMessage({ seq: next.seq, input: next.input } satisfies ToWorker);
    }
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    const { options, redact, emailAllowlist } = this.settings;
    const setup: Setup = { [TAG]: true, options, redact, emailAllowlist: [...emailAllowlist] };
    this.answered = false;
    try {
      const worker = new Worker(this.settings.workerUrl, {
        workerData: setup,
        // Its own heap limit: a worker over it stops alone (the page is then prepared here).
        resourceLimits: this.settings.resourceLimits ?? { maxOldGenerationSizeMb: 256 },
      });
      // Never keeps a build's process alive while idle (see `pump`).
      worker.unref();
      worker.on('message', (msg: FromWorker) => this.onMessage(msg));
      worker.on('error', (e) => this.fail(worker, e.message));
      worker.on('messageerror', (e) => this.fail(worker, e.message));
      worker.on('exit', (code) => this.fail(worker, `exit ${code}`));
      this.worker = worker;
      return worker;
    } catch (e) {
      this.fail(null, e instanceof Error ? e.message : String(e));
      return null;
    }
  }

  private onMessage(msg: FromWorker): void {
    this.answered = true;
    const entry = this.sent.get(msg.seq);
    if (!entry) return;
    this.sent.delete(msg.seq);
    if (this.sent.size === 0) this.worker?.unref();
    if ('error' in msg) {
      // The render thread prepares it again and meets the same problem, with its own message.
      entry.resolve(null);
    } else {
      entry.resolve(msg.prepared);
    }
    this.pump();
    this.closeIfDone();
  }

  /** The worker is gone: what it had is prepared in the render thread; a new one may start. */
  private fail(worker: Worker | null, reason: string): void {
    if (worker !== this.worker || this.closed) return;
    this.worker = null;
    this.stats.failures++;
    for (const entry of this.sent.values()) entry.resolve(null);
    this.sent.clear();
    for (const p of this.planned.values()) if (p.seq !== null) this.planned.delete(p.input.id);
    const giveUp = this.stats.failures >= MAX_FAILURES || !this.answered;
    this.settings.log(
      `codex-archive: the worker preparing session pages stopped (${reason}); ` +
        (giveUp ? 'session pages are prepared in the render thread from here on.' : 'the pages it had are prepared in the render thread.'),
    );
    if (giveUp) void this.close();
    else worker?.terminate().catch(() => {});
  }

  /** Resolves once the worker has answered (or failed, or was never needed). For tests. */
  async ready(): Promise<void> {
    while (!this.answered && this.worker && !this.closed) await new Promise((r) => setTimeout(r, 5));
  }

  /** Whether a worker is running. */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Stops once every page that can still ask has been planned and handed over. */
  private closeIfDone(): void {
    if (this.frontier >= this.settings.order.length && this.planned.size === 0 && this.sent.size === 0) void this.close();
  }

  /** Stops the worker; pages asked for after this are prepared in the render thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { fromWorker, inProcess } = this.stats;
    if (fromWorker > 0) (this.settings.summary ?? this.settings.log)(`codex-archive: ${fromWorker} session pages prepared ahead on a worker, ${inProcess} in the render thread.`);
    for (const entry of this.sent.values()) entry.resolve(null);
    this.sent.clear();
    for (const p of this.planned.values()) p.resolve(null);
    this.planned.clear();
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
