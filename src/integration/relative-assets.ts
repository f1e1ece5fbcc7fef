/**
 * Makes Astro's own asset links relative. Astro writes `/<base>/_astro/x.css` into every page;
 * absolute links break when the site is opened from `file://` or moved under another base path,
 * so after the build each page's `/_astro/` links are rewritten to `../../_astro/` (as deep as the
 * page is), and `/_astro/` references inside the CSS files to `../_astro/`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Escapes a string for use inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Pattern for Astro's absolute asset prefix under `base` (`/`, `/repo`, `/repo/`). */
export function assetPrefixPattern(base: string): RegExp {
  const trimmed = base.replace(/\/+$/, '');
  return new RegExp(`(["'(])${escape(trimmed)}/_astro/`, 'g');
}

/** Rewrites one HTML page; `depth` is how many folders below the site root it lives. */
export function relativiseHtml(html: string, base: string, depth: number): string {
  return html.replace(assetPrefixPattern(base), (_m, quote: string) => `${quote}${'../'.repeat(depth)}_astro/`);
}

/**
 * Replaces a file by writing a new one and renaming it over: a page may be a hard link shared with
 * the published site or Astro's cache (incremental.ts), which a write in place would change too.
 */
async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    // No symlinks: readdir's own recursion would follow them out of the folder (field notes).
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/**
 * Rewrites every HTML page and `_astro/*.css` under `outDir`. Returns how many files changed.
 *
 * Incremental builds pass `only`: the site paths of the pages rendered in this build (pages
 * Astro restored from its cache were rewritten when they were rendered), and `cacheDir`, Astro's
 * cache folder, whose copy of each rewritten page (`<cacheDir>/dist/<page>`) is rewritten too so
 * that a later build restores the relative version.
 */
export async function relativiseSite(outDir: string, base: string, only?: ReadonlySet<string>, cacheDir?: string): Promise<number> {
  let changed = 0;
  const pattern = assetPrefixPattern(base);
  const files = only
    ? (async function* () {
        for (const here of [...only].sort()) yield path.join(outDir, here, 'index.html');
        const assets = path.join(outDir, '_astro');
        if (existsSync(assets)) yield* walk(assets);
      })()
    : walk(outDir);
  for await (const file of files) {
    const rel = path.relative(outDir, file).split(path.sep);
    if (file.endsWith('.html')) {
      const html = await readFile(file, 'utf8');
      const next = relativiseHtml(html, base, rel.length - 1);
      if (next !== html) {
        await replaceFile(file, next);
        changed++;
        const cached = cacheDir ? path.join(cacheDir, 'dist', ...rel) : null;
        if (cached && existsSync(cached)) await replaceFile(cached, next);
      }
    } else if (rel[0] === '_astro' && file.endsWith('.css')) {
      const css = await readFile(file, 'utf8');
      const next = css.replace(pattern, (_m, quote: string) => `${quote}${'../'.repeat(rel.length - 1)}_astro/`);
      if (next !== css) {
        await replaceFile(file, next);
        changed++;
      }
    }
  }
  return changed;
}
