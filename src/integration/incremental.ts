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
 *
 * Placing reused pages. Astro restores a skipped page by copying its cache copy into the output
 * folder, one page at a time (~1 ms a page: 20 s at 20,000 sessions), but skips the copy when the
 * file is already there. Under scripts/build.mjs the output folder is a new folder beside the
 * published site, so a reused session page is hard-linked from the published site before Astro
 * gets to it: every stamped page is linked on a worker as soon as the configuration is known
 * (`startPlacing`, place-pages.ts), and once a page's key is known the link is kept if the key is
 * reused, removed if not (`placeReused`); links of sessions without a page any more are removed
 * before the build ends (`dropUnclaimed`), and no page renders before all links are made
 * (`placed`). A link shares the published file's bytes, so:
 * - only a page whose published file is exactly the one the last build left is linked (its
 *   device, inode, size and modification time, recorded in its sidecar: `stampPages`), so its
 *   bytes are the ones Astro would restore for the same key (a write changes the modification
 *   time; a file replaced is another inode);
 * - a linked page that renders after all (Astro skips by more than our key: its template code,
 *   its config) is unlinked before Astro writes it (`unplace`, called when a page renders), so
 *   Astro's write makes a new file and never writes into the published one;
 * - nothing else writes into a page of the output folder in place (relative-assets.ts writes
 *   by rename), and the cache copies stay separate files, so Astro's writes into its cache never
 *   reach a published page;
 * - a build that fails removes its folder: links go, the published files stay as they were.
 */
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { copyFile, link, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Session } from '../lib/model/session.ts';
import type { RecordCounts } from '../lib/normalise/builder.ts';
import { fileStamp, placePagesInWorker, type PagePlacement } from './place-pages.ts';
import type { OfflineEntry } from './state.ts';
import { writeParts } from './utils/write-parts.ts';

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
  /**
   * The page file the last build left in its output folder (`device:inode:size:mtimeNs`), when it
   * was older than STAMP_MARGIN_MS then: a published file that still matches may be linked.
   */
  file?: string;
}

/** Where scripts/build.mjs builds (a new folder) and the site it replaces. */
export interface SiteFolders {
  /** The folder Astro writes into. */
  outDir: string;
  /** The published site the build replaces (may not exist). */
  previous: string;
}

/**
 * A page file is stamped only if it was last written this long before the stamp: a same-size
 * write within the same timestamp tick as the stamped one would keep its modification time. A
 * time with a fraction of a second comes from a file system with fine timestamps (ext4, xfs,
 * btrfs, tmpfs: the kernel's tick, at most 10 ms; NTFS 100 ns; exFAT 10 ms); a whole second may
 * be a coarse one (HFS+ 1 s, FAT 2 s).
 */
const STAMP_MARGIN_MS = { fine: 100, coarse: 3000 };

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
  /** Where reused pages are linked from and to; null: never link (see the header). */
  readonly site: SiteFolders | null;
  /** Site paths (`s/<slug>/`) of the pages linked from the previous site and not rendered. */
  readonly linked = new Set<string>();
  /** Linked pages that rendered after all (unlinked first). */
  unplaced = 0;
  /** Linking ahead (`startPlacing`); null until started, and without a site to link from. */
  private placing: Promise<void> | null = null;
  /** Site paths of the pages linked ahead that `placeReused` has not kept or removed yet. */
  private readonly placedAhead = new Set<string>();

  constructor(cacheDir: string, site: SiteFolders | null = null) {
    this.site = site && path.resolve(site.outDir) !== path.resolve(site.previous) ? site : null;
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

  /** Whether the session's page keeps its previous key (Astro reuses it; keyed by `sessionKey`). */
  reuses(id: string): boolean {
    const key = this.keys.get(id)?.key;
    return key !== undefined && this.previous.get(id)?.key === key;
  }

  /**
   * Starts linking every page the last build stamped into the output folder, on a worker
   * (place-pages.ts), before any key is known; `placeReused` then keeps the links of reused pages
   * and removes the others, and `dropUnclaimed` those of sessions that have no page any more.
   * Only for an output folder nothing else has written into yet (see index.ts).
   */
  startPlacing(): void {
    if (!this.site || this.placing) return;
    const pages: PagePlacement[] = [];
    for (const [id, sidecar] of this.previous) if (sidecar.file) pages.push({ id, here: sidecar.offline.path, stamp: sidecar.file });
    const heres = new Map(pages.map((p) => [p.id, p.here]));
    this.placing = placePagesInWorker(pages, this.site.previous, this.site.outDir).then((ids) => {
      for (const id of ids) this.placedAhead.add(heres.get(id)!);
    });
  }

  /** Resolves once the links made ahead are all in place: before any page may render. */
  async placed(): Promise<void> {
    await this.placing;
  }

  /**
   * Keeps the link made ahead for a session page (`here`, its site path) when its key is reused,
   * so Astro finds the page in place and copies nothing; removes it when the page will render.
   * True when the page stays linked. Pages not linked ahead are left to Astro's restore.
   */
  async placeReused(id: string, here: string): Promise<boolean> {
    if (!this.site || !this.placing) return false;
    await this.placing;
    if (!this.placedAhead.delete(here)) return false;
    const prev = this.previous.get(id);
    if (prev?.file === undefined || this.keys.get(id)?.key !== prev.key) {
      // Linked ahead, but the page renders: Astro must write a file of its own.
      rmSync(path.join(this.site.outDir, here, 'index.html'), { force: true });
      return false;
    }
    this.linked.add(here);
    return true;
  }

  /**
   * Removes the pages linked ahead that no route claimed (their session is gone or left out),
   * once every route's key is known; returns how many.
   */
  async dropUnclaimed(): Promise<number> {
    if (!this.site || !this.placing) return 0;
    await this.placing;
    // The folder too: it holds only the page, and would be published empty.
    for (const here of this.placedAhead) rmSync(path.join(this.site.outDir, here), { recursive: true, force: true });
    const dropped = this.placedAhead.size;
    this.placedAhead.clear();
    return dropped;
  }

  /**
   * Called as a page renders, before Astro writes it: a page linked by `placeReused` is unlinked,
   * so Astro's write creates a new file instead of writing into the published one.
   */
  unplace(here: string): void {
    if (!this.site) return;
    // A page linked ahead whose key was never asked for (it renders without one) is unlinked too.
    if (!this.linked.delete(here) && !this.placedAhead.delete(here)) return;
    rmSync(path.join(this.site.outDir, here, 'index.html'), { force: true });
    this.unplaced++;
  }

  /**
   * Records, in each current page's sidecar, the page file this build leaves in `outDir` (see
   * `placeReused`). Runs once nothing writes pages any more.
   */
  stampPages(outDir: string, current: Map<string, PageSidecar>): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    const fine = now - BigInt(STAMP_MARGIN_MS.fine) * 1_000_000n;
    const coarse = now - BigInt(STAMP_MARGIN_MS.coarse) * 1_000_000n;
    for (const sidecar of current.values()) {
      delete sidecar.file;
      try {
        const st = lstatSync(path.join(outDir, sidecar.offline.path, 'index.html'), { bigint: true });
        const old = st.mtimeNs < (st.mtimeNs % 1_000_000_000n === 0n ? coarse : fine);
        if (st.isFile() && st.ino !== 0n && old) sidecar.file = fileStamp(st);
      } catch {
        // No page file: nothing to link next time.
      }
    }
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

  /**
   * Restores an asset of a skipped page into the output folder: a hard link to the store's file
   * (the same file across builds, so the verifier recognises it unscanned), a copy across file
   * systems. Assets are content-addressed and written only when absent (session-page.ts
   * `writeOnce`), so nothing writes into a linked one.
   */
  async restoreAsset(outDir: string, rel: string): Promise<boolean> {
    const target = path.join(outDir, rel);
    if (existsSync(target)) return false;
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await link(this.assetFile(rel), target);
    } catch {
      await copyFile(this.assetFile(rel), target);
    }
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
    // A piece per page (what JSON.stringify of the whole SidecarFile gives): as one string, ~100 MB
    // of sidecars at 20,000 sessions was part of the Astro process's peak at the end of a build.
    function* parts(): Generator<string> {
      yield `{"version":${SIDECAR_VERSION},"pages":{`;
      let first = true;
      for (const [id, sidecar] of current) {
        yield `${first ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(sidecar)}`;
        first = false;
      }
      yield '}}';
    }
    await writeParts(tmp, parts());
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
