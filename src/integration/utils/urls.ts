/**
 * Site paths and the relative links between them. Every page lives at `<path>/index.html`
 * (`build.format: 'directory'`), every path is site-relative with a trailing slash (`''` is the
 * home page), and every link we emit is RELATIVE and ends in `index.html`, so `dist/` browses
 * from `file://` and from any base path (`/codex-archive/`) without a rebuild.
 */
import { projectSlug, sessionSlug } from './slug.ts';

/** Site-relative folder of each kind of page; no leading slash, trailing slash unless home. */
export const paths = {
  home: (): string => '',
  search: (): string => 'search/',
  projects: (): string => 'projects/',
  project: (project: string, page = 1): string =>
    page > 1 ? `projects/${projectSlug(project)}/${page}/` : `projects/${projectSlug(project)}/`,
  session: (id: string): string => `s/${sessionSlug(id)}/`,
  year: (y: string): string => `${y}/`,
  month: (y: string, m: string): string => `${y}/${m}/`,
  day: (y: string, m: string, d: string): string => `${y}/${m}/${d}/`,
};

/** How many folders deep a site path is: `''` → 0, `s/abc/` → 2. */
export function depthOf(from: string): number {
  return from.split('/').filter(Boolean).length;
}

/** `../` repeated to climb from `from` to the site root (`''` at the root). */
export function rootPrefix(from: string): string {
  return '../'.repeat(depthOf(from));
}

/**
 * Relative link from the page at `from` to `to`. Folders gain `index.html`; files (`_assets/x.png`,
 * `pagefind/pagefind.js`) are linked as they are. A `#fragment` is kept.
 */
export function href(from: string, to: string): string {
  const [target = '', fragment] = to.split('#', 2) as [string, string | undefined];
  const clean = target.replace(/^\/+/, '');
  const isFolder = clean === '' || clean.endsWith('/');
  const url = rootPrefix(from) + clean + (isFolder ? 'index.html' : '');
  return fragment === undefined ? url : `${url}#${fragment}`;
}
