/**
 * Serves the browser scripts from src/scripts/ as plain files under `/ui/`. They are CLASSIC
 * scripts on purpose (loaded with `<script src>`, no `type="module"`): Chromium refuses module
 * scripts from `file://`, and the archive must work opened from disk. Written as plain
 * JavaScript (checked with `// @ts-check`), so they are served byte for byte.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import copy from '../../scripts/copy.js?raw';
import search from '../../scripts/search.js?raw';
import site from '../../scripts/site.js?raw';
import theme from '../../scripts/theme.js?raw';

const scripts: Record<string, string> = { copy, search, site, theme };

export const getStaticPaths = (() => Object.keys(scripts).map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
  new Response(scripts[params.name!] ?? '', { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
