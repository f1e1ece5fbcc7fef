/**
 * Incremental builds. Astro's `experimental.incrementalBuild` skips a page whose `cacheKey`
 * (from getStaticPaths) and module graph are unchanged, restoring its HTML from the cache dir.
 * A skipped page runs none of our code, so what a session page contributes besides its HTML is
 * kept here, per session, in `<cacheDir>/codex-archive/pages.json`: its offline search entry,
 * its report facts, its redaction counts, the assets it wrote (`_assets/out/*.txt`, images,
 * kept content-addressed in `<cacheDir>/codex-archive/assets/`) and the session ids it linked
 * (a link appears or disappears when that session does).
 *
 * Keys:
 * - session page: the store digest of its file (path, size, mtime, store options) + a hash of
 *   every option that changes output + the package version + the excluded ids; if the known
 *   state of a session it looked up changed, or we have no record of it, a fresh random key.
 * - index pages: the same option hash + a hash of their props (the summaries they list).
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Session } from '../lib/model/session.ts';
import type { RecordCounts } from '../lib/normalise/builder.ts';
import type { OfflineEntry } from './state.ts';

/** Bump when what a sidecar holds, or how pages use it, changes. */
const SIDECAR_VERSION = 2;

/** What addToReport needs of a session, without the transcript. */
export type SessionFacts = Pick<Session, 'generation' | 'archived' | 'supported' | 'incomplete' | 'cliVersion' | 'diagnostics'> & {
  counts: RecordCounts;
  /** Outputs the page cut to `outputChars`, and the characters it left out. */
  trimmed?: { outputs: number; chars: number };
};

/** What one rendered session page contributed besides its HTML. */
export interface PageSidecar {
  /** Key computed from inputs (without the lookup salt). */
  base: string;
  /** The cacheKey Astro was given (equal to what it recorded in its manifest). */
  key: string;
  offline: OfflineEntry;
  facts: SessionFacts;
  redactions: Record<string, number>;
  /** Site-relative asset paths the page links (content-addressed), sorted once collected by `current()`. */
  assets: string[];
  /** Session ids the page asked about, and whether each had a page then. */
  lookups: Record<string, boolean>;
}

interface SidecarFile {
  version: number;
  pages: Record<string, PageSidecar>;
}

/** The build-wide incremental state (lives on the shared build state). */
export class IncrementalStore {
  readonly dir: string;
  readonly previous: Map<string, PageSidecar>;
  /** Sidecars of pages rendered in this build. */
  readonly fresh = new Map<string, PageSidecar>();
  /** Key given to each session page this build. */
  readonly keys = new Map<string, { base: string; key: string }>();

  constructor(cacheDir: string) {
    this.dir = path.join(cacheDir, 'codex-archive');
    this.previous = new Map();
    try {
      const data = JSON.parse(readFileSync(path.join(this.dir, 'pages.json'), 'utf8')) as SidecarFile;
      if (data.version === SIDECAR_VERSION) for (const [id, s] of Object.entries(data.pages)) this.previous.set(id, s);
    } catch {
      // No previous build (or an unreadable record): every page renders.
    }
  }

  /**
   * The cacheKey for a session page. Reuses the previous key when the inputs are the same and
   * every session it looked up is still (not) there; otherwise a new random key, so Astro
   * renders the page and can never pair a restored page with a missing record.
   */
  sessionKey(id: string, base: string, known: (id: string) => boolean): string {
    const prev = this.previous.get(id);
    const same =
      prev !== undefined && prev.base === base && Object.entries(prev.lookups).every(([other, was]) => known(other) === was);
    // Joined, not a template literal: kept all build long, as one string rather than a rope.
    const key = same ? prev.key : [base, randomUUID()].join(':');
    this.keys.set(id, { base, key });
    return key;
  }

  /** Path of an asset in the persistent asset store. */
  assetFile(rel: string): string {
    return path.join(this.dir, 'assets', rel.replace(/^_assets\//, ''));
  }

  /** Keeps a copy of an asset the page just wrote (content-addressed: written once). */
  keepAsset(outDir: string, rel: string): void {
    const kept = this.assetFile(rel);
    if (existsSync(kept)) return;
    mkdirSync(path.dirname(kept), { recursive: true });
    // Hard links cost no space; copy when the cache is on another file system.
    try {
      linkSync(path.join(outDir, rel), kept);
    } catch {
      copyFileSync(path.join(outDir, rel), kept);
    }
  }

  /** Restores an asset of a skipped page into the output folder. */
  async restoreAsset(outDir: string, rel: string): Promise<boolean> {
    const target = path.join(outDir, rel);
    if (existsSync(target)) return false;
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(this.assetFile(rel), target);
    return true;
  }

  /**
   * Sidecars of every current session page: fresh when rendered, else the previous one (which
   * must exist with the same key, or Astro could not have skipped the page).
   */
  current(): Map<string, PageSidecar> {
    const out = new Map<string, PageSidecar>();
    for (const [id, { key }] of this.keys) {
      const sidecar = this.fresh.get(id) ?? this.previous.get(id);
      if (!sidecar || sidecar.key !== key) {
        throw new Error(
          `codex-archive: session ${id} was neither rendered nor recorded by an earlier build. ` +
            `Delete the cache folder (${this.dir} and Astro's incremental-build.json) and build again.`,
        );
      }
      // A fresh page lists its assets in the order it wrote them.
      if (sidecar === this.fresh.get(id)) sidecar.assets.sort();
      out.set(id, sidecar);
    }
    return out;
  }

  /** Writes the sidecars of the current pages for the next build. */
  async save(current: Map<string, PageSidecar>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, 'pages.json');
    const tmp = `${file}.${process.pid}.tmp`;
    const data: SidecarFile = { version: SIDECAR_VERSION, pages: Object.fromEntries(current) };
    await writeFile(tmp, JSON.stringify(data));
    await rename(tmp, file);
  }
}

/** sha256 of a value's JSON, base64url. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('base64url');
}

/** Reads this package's version (part of every key: a new release renders everything again). */
export function packageVersion(root: string): string {
  try {
    return String(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version ?? '');
  } catch {
    return '';
  }
}
