/**
 * Verifies pages while the build renders them, on a worker thread of the Astro process, so the
 * verifier that runs after the build (scripts/verify.mjs) finds them already proven clean.
 *
 * Rendering keeps one core busy; the verifier's detectors (~15 MB/s per core) used to run only
 * after it. relative-middleware.ts hands each rendered page's final HTML to `offer`; the worker
 * scans those exact bytes with the verifier's own code and options (`createBytesChecker`) and
 * `finish` merges the clean verdicts into the verdict file (`<cacheDir>/codex-archive/verified.json`).
 * A verdict is the hash of detectors + options + the bytes, so the final pass, which still hashes
 * every file, skips only a file whose bytes on disk are exactly bytes scanned clean here; anything
 * else (Pagefind files, the offline index, pages changed after rendering, pages this verifier
 * dropped) is scanned there as before.
 *
 * Rendering never waits: a page that would take the queue past `maxQueuedBytes` or
 * `maxQueuedPages` is dropped (left to the final pass), and `finish` stops the worker without
 * waiting for what is still queued.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createBytesChecker, saveVerdicts, type VerifyOptions } from '../lib/redact/verify.ts';

/** The `globalThis` slot relative-middleware.ts finds the running verifier in (page modules are bundled apart). */
export const PAGE_VERIFIER_KEY = Symbol.for('codex-archive.page-verifier');

/** What the middleware calls. */
export interface PageSink {
  /** Offers a page's final HTML (as it will be written, UTF-8). False when it was dropped. */
  offer(name: string, html: string): boolean;
}

export interface PageVerifierOptions {
  /** The verdict file the final pass reads (merged into, never replaced). */
  cacheFile: string;
  /** Exactly the options the final pass scans with (scripts/verify.mjs: `{ emailAllowlist }`). */
  scanOptions: VerifyOptions;
  /** Bytes of HTML queued for the worker at most (default 16 MiB). */
  maxQueuedBytes?: number;
  /** Pages queued for the worker at most (default 64). */
  maxQueuedPages?: number;
  /** Niceness of the worker thread (Linux; default 5): rendering comes first. */
  nice?: number;
}

/** What a verifier did. */
export interface PageVerifierStats {
  /** Pages offered. */
  offered: number;
  /** Pages scanned clean (their verdicts saved). */
  verified: number;
  /** Pages with findings (no verdict: the final pass reports them). */
  flagged: number;
  /** Pages left to the final pass: queue full, still queued at `finish`, or the worker failed. */
  dropped: number;
  /** Of `dropped`: offered while the queue was full. */
  behind: number;
  /** Characters scanned. */
  chars: number;
  /** Why the worker stopped early, if it did. */
  error?: string;
}

const TAG = 'codex-archive-page-verifier';

interface Setup {
  [TAG]: true;
  scanOptions: VerifyOptions;
  nice: number;
}

type ToWorker = { id: number; name: string; bytes: Uint8Array };
type FromWorker =
  | { type: 'ready'; prefix: string }
  | { type: 'done'; id: number; key: string | null; findings: number; chars: number }
  | { type: 'error'; message: string };

/** The worker side: scan each page it is sent, answer with its verdict. */
function runWorker(setup: Setup): void {
  const port = parentPort!;
  try {
    // This thread only (Linux: a thread id is a process id for setpriority).
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (setup.nice && tid) setPriority(tid, setup.nice);
  } catch {
    // Not Linux, or not allowed: same priority as rendering.
  }
  const checker = createBytesChecker(setup.scanOptions);
  port.postMessage({ type: 'ready', prefix: checker.prefix } satisfies FromWorker);
  port.on('message', (msg: ToWorker) => {
    try {
      const v = checker.check(msg.name, Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength));
      port.postMessage({ type: 'done', id: msg.id, key: v.clean ? v.key : null, findings: v.findings.length, chars: v.chars } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
  });
}

if (!isMainThread && (workerData as Partial<Setup> | null)?.[TAG]) runWorker(workerData as Setup);

const encoder = new TextEncoder();

/** One build's verifier: `offer` pages while rendering, `finish` once, or `abort` on failure. */
export class PageVerifier implements PageSink {
  readonly stats: PageVerifierStats = { offered: 0, verified: 0, flagged: 0, dropped: 0, behind: 0, chars: 0 };
  private readonly worker: Worker;
  private readonly options: Required<Omit<PageVerifierOptions, 'scanOptions' | 'cacheFile'>> & PageVerifierOptions;
  private prefix: string | null = null;
  private readonly keys = new Set<string>();
  /** Queued bytes by page id. */
  private readonly queued = new Map<number, number>();
  private queuedBytes = 0;
  private nextId = 0;
  private open = true;
  private alive = true;

  constructor(options: PageVerifierOptions) {
    this.options = { maxQueuedBytes: 16 << 20, maxQueuedPages: 64, nice: 5, ...options };
    const setup: Setup = { [TAG]: true, scanOptions: options.scanOptions, nice: this.options.nice };
    // Its own heap limit: a worker over it stops alone (it would otherwise take the build down).
    this.worker = new Worker(new URL(import.meta.url), { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    // Never keeps a failing build's process alive.
    this.worker.unref();
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    this.worker.on('error', (e) => this.stop(e.message));
    this.worker.on('exit', (code) => this.stop(code === 0 ? undefined : `exit ${code}`));
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'ready') {
      this.prefix = msg.prefix;
      return;
    }
    if (msg.type === 'error') {
      this.stop(msg.message);
      void this.worker.terminate();
      return;
    }
    const size = this.queued.get(msg.id);
    if (size === undefined) return;
    this.queued.delete(msg.id);
    this.queuedBytes -= size;
    this.stats.chars += msg.chars;
    if (msg.key) {
      this.keys.add(msg.key);
      this.stats.verified++;
    } else if (msg.findings > 0) this.stats.flagged++;
  }

  /** The worker is gone: whatever it had queued is left to the final pass. */
  private stop(error?: string): void {
    if (!this.alive) return;
    this.alive = false;
    if (error && this.open) this.stats.error = error;
    this.stats.dropped += this.queued.size;
    this.queued.clear();
    this.queuedBytes = 0;
  }

  offer(name: string, html: string): boolean {
    this.stats.offered++;
    // html.length bounds the UTF-8 size from below: drop before encoding anything.
    if (!this.open || !this.alive) {
      this.stats.dropped++;
      return false;
    }
    if (this.queued.size >= this.options.maxQueuedPages || this.queuedBytes + html.length > this.options.maxQueuedBytes) {
      this.stats.dropped++;
      this.stats.behind++;
      return false;
    }
    // The bytes Astro writes: Buffer.from(await new Response(html).arrayBuffer()), i.e. UTF-8.
    const bytes = encoder.encode(html);
    const id = this.nextId++;
    this.queued.set(id, bytes.byteLength);
    this.queuedBytes += bytes.byteLength;
    this.worker.postMessage({ id, name, bytes } satisfies ToWorker, [bytes.buffer]);
    return true;
  }

  /** Pages queued and not yet answered. */
  get pending(): number {
    return this.queued.size;
  }

  /**
   * Stops taking pages, stops the worker (what it has not answered yet is dropped, unless
   * `drain`: then it waits for them; for tests) and merges the clean verdicts into the verdict
   * file. Returns what it did.
   */
  async finish({ drain = false } = {}): Promise<PageVerifierStats> {
    this.open = false;
    if (drain) {
      while (this.alive && (this.queued.size > 0 || this.prefix === null)) await new Promise((r) => setTimeout(r, 10));
    }
    await this.halt();
    if (this.prefix && this.keys.size > 0) await saveVerdicts(this.options.cacheFile, this.prefix, this.keys, { merge: true });
    return this.stats;
  }

  /** Stops the worker and writes nothing (a build that failed). */
  async abort(): Promise<void> {
    this.open = false;
    await this.halt();
  }

  private async halt(): Promise<void> {
    const wasAlive = this.alive;
    this.stop();
    if (wasAlive) await this.worker.terminate();
  }
}

/** Sets (or clears) the verifier the middleware offers pages to. */
export function setPageSink(sink: PageSink | null): void {
  (globalThis as Record<symbol, unknown>)[PAGE_VERIFIER_KEY] = sink ?? undefined;
}

/** The file scripts/build.mjs passes to the final pass as `--cache` (`<cacheDir>/codex-archive/verified.json`). */
export function verdictFile(cacheDir: string): string {
  return join(cacheDir, 'codex-archive', 'verified.json');
}

/**
 * Starts a verifier for this build and makes it the middleware's, when a final pass will use its
 * verdicts: under scripts/build.mjs (CODEX_ARCHIVE_BUILD_STAGE=astro) with redaction on.
 * CODEX_ARCHIVE_PAGE_VERIFY=0 turns it off; `1` turns it on under plain `astro build` too;
 * `drain` also makes `finish` wait for every queued page (tests).
 */
export function startPageVerifier(init: { cacheDir: string; emailAllowlist: readonly string[]; redact: boolean; env?: NodeJS.ProcessEnv }): PageVerifier | null {
  const env = init.env ?? process.env;
  const mode = env.CODEX_ARCHIVE_PAGE_VERIFY ?? '';
  if (!init.redact || mode === '0' || (mode === '' && env.CODEX_ARCHIVE_BUILD_STAGE !== 'astro')) return null;
  // As build.mjs passes them (`--allow-email=a,b`) and scripts/verify.mjs reads them back.
  const emailAllowlist = init.emailAllowlist.join(',').split(',').filter(Boolean);
  const verifier = new PageVerifier({ cacheFile: verdictFile(init.cacheDir), scanOptions: { emailAllowlist } });
  setPageSink(verifier);
  return verifier;
}

/** Stops the build's verifier (see `startPageVerifier`) and merges its verdicts; null when none ran. */
export async function finishPageVerifier(verifier: PageVerifier | null, env: NodeJS.ProcessEnv = process.env): Promise<PageVerifierStats | null> {
  if (!verifier) return null;
  setPageSink(null);
  return verifier.finish({ drain: env.CODEX_ARCHIVE_PAGE_VERIFY === 'drain' });
}
