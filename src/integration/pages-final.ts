/**
 * The message the Astro process sends scripts/build.mjs (its parent, over Node's IPC channel) once
 * every file of the build folder but the search index (`pagefind/`) is final.
 *
 * Why: after a small rebuild the search index waits for the shard built while pages rendered
 * (search-ahead.ts), seconds in which one core is mostly idle; the verifier, which otherwise starts
 * once the Astro process has exited, can scan everything else then, and the search index once
 * it is complete (scripts/verify.mjs, `--later=pagefind`).
 */

export const PAGES_FINAL = 'codex-archive:pages-final';

/** What the build script needs to start the verifier before the Astro process exits. */
export interface PagesFinal {
  type: typeof PAGES_FINAL;
  /** Session pages rendered in this build (the build script starts early only for small ones). */
  rendered: number;
  /** `redact: false` builds are not verified. */
  redacted: boolean;
  emailAllowlist: string[];
  /** Astro's cache folder (the verifier's verdicts are under it). */
  cacheDir: string;
}

/** Sends the message when this process has a parent listening (scripts/build.mjs); else nothing. */
export function sendPagesFinal(message: Omit<PagesFinal, 'type'>): void {
  if (!process.send || !process.connected) return;
  // A parent that went away is no reason to fail the build: the callback takes the error.
  process.send({ type: PAGES_FINAL, ...message } satisfies PagesFinal, () => {});
}

export function isPagesFinal(message: unknown): message is PagesFinal {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === PAGES_FINAL;
}
