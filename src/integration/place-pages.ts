/**
 * Links the previous site's session pages into the new output folder, on a worker thread.
 *
 * A reused page is a hard link to the published file (incremental.ts, "Placing reused pages").
 * Made one at a time while Astro walked its routes, the 20,000 page folders and links of a
 * 20,000-session rebuild took ~2 s on the render thread (mostly `mkdir`). Started when the
 * configuration is known, the links are made on another core while Astro syncs its content store
 * and bundles (single-threaded JavaScript, several seconds at that size), and are ready by the
 * time the routes are walked. A page is linked only when the published file is the one the last
 * build stamped (device, inode, size, modification time); which of them stay is decided per
 * page once its key is known (IncrementalStore.placeReused).
 */
import { linkSync, lstatSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** One page to link: its session id, its site path (`s/<slug>/`), the stamp of its published file. */
export interface PagePlacement {
  id: string;
  here: string;
  stamp: string;
}

const TAG = 'codex-archive-place-pages';

interface Setup {
  [TAG]: true;
  pages: readonly PagePlacement[];
  from: string;
  to: string;
}

/** `device:inode:size:mtimeNs` of a file (what incremental.ts stamps). */
export function fileStamp(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

/**
 * Links `<from>/<here>index.html` to `<to>/<here>index.html` for every page whose published file
 * still has its stamp; returns the ids linked. A page that cannot be linked is left out (Astro
 * then restores it from its cache).
 */
export function placePages(pages: readonly PagePlacement[], from: string, to: string): string[] {
  const linked: string[] = [];
  for (const page of pages) {
    const source = path.join(from, page.here, 'index.html');
    const target = path.join(to, page.here, 'index.html');
    try {
      const st = lstatSync(source, { bigint: true });
      if (!st.isFile() || fileStamp(st) !== page.stamp) continue;
      mkdirSync(path.dirname(target), { recursive: true });
      linkSync(source, target);
      linked.push(page.id);
    } catch {
      // Not linked: restored by Astro instead.
    }
  }
  return linked;
}

if (!isMainThread && (workerData as Partial<Setup> | null)?.[TAG]) {
  const { pages, from, to } = workerData as Setup;
  parentPort!.postMessage(placePages(pages, from, to));
}

/**
 * `placePages` on a worker thread. If the worker cannot start or fails, the pages it did not get
 * to are placed in this thread: a page is never missing, at worst placed later.
 */
export function placePagesInWorker(pages: readonly PagePlacement[], from: string, to: string): Promise<string[]> {
  return new Promise((resolve) => {
    const finishHere = () => {
      // A link the worker made before it failed is already there (with the stamp): counted as
      // placed, not linked again.
      const linked: string[] = [];
      for (const page of pages) {
        const target = path.join(to, page.here, 'index.html');
        try {
          const st = lstatSync(target, { bigint: true });
          if (fileStamp(st) === page.stamp) {
            linked.push(page.id);
            continue;
          }
        } catch {
          // Not there yet.
        }
        linked.push(...placePages([page], from, to));
      }
      resolve(linked);
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL(import.meta.url), { workerData: { [TAG]: true, pages, from, to } satisfies Setup });
    } catch {
      finishHere();
      return;
    }
    let done = false;
    worker.on('message', (linked: string[]) => {
      done = true;
      resolve(linked);
      void worker.terminate();
    });
    worker.on('error', () => {
      if (!done) {
        done = true;
        finishHere();
      }
    });
    worker.on('exit', () => {
      if (!done) {
        done = true;
        finishHere();
      }
    });
  });
}
