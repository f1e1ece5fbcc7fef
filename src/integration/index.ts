/**
 * `codexArchive()`: the Astro integration that turns Codex homes into the archive site.
 *
 * - `astro:config:setup` validates the options (ONE error listing every problem), resolves the
 *   source folders, and pins the output settings the site relies on (directory pages, no
 *   inlined styles or scripts: the CSP forbids inline code).
 * - the `sessions` collection's loader (loader.ts) stores one summary per session;
 * - session pages render from the files themselves and feed the shared state (state.ts);
 * - `astro:build:done` makes asset links relative, writes the offline search file, runs
 *   Pagefind and writes the report to `.codex-archive/report.json` (outside the output folder).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { resolveOptions, type CodexArchiveOptions } from './options.ts';
import { OFFLINE_INDEX_PATH, renderOfflineIndex } from './offline-index.ts';
import { buildPagefindIndex } from './pagefind.ts';
import { pageRedactor } from './redaction.ts';
import { relativiseSite } from './relative-assets.ts';
import { reportLine } from '../lib/report.ts';
import { reportPath, writeReport } from './report.ts';
import { getState, initState } from './state.ts';

export type { CodexArchiveOptions } from './options.ts';

/** The integration. Options are documented on `CodexArchiveOptionsSchema` (options.ts). */
export default function codexArchive(userOptions: CodexArchiveOptions = {}): AstroIntegration {
  return {
    name: 'codex-archive',
    hooks: {
      'astro:config:setup': ({ config, command, updateConfig, logger }) => {
        const root = fileURLToPath(config.root);
        const { options, notices } = resolveOptions(userOptions, { env: process.env, root });
        for (const line of notices) logger.info(line);
        if (!options.redact) {
          logger.warn(
            '!!! redact: false — secrets, tokens and e-mail addresses in your sessions will be published as they are. ' +
              'Do not upload this build anywhere public.',
          );
        }
        initState({ options, root, command });
        updateConfig({
          build: { format: 'directory', inlineStylesheets: 'never' },
          // Vite inlines small assets as data: URLs and Astro inlines small scripts; both would
          // need 'unsafe-inline' in the Content-Security-Policy.
          vite: { build: { assetsInlineLimit: 0 } },
        });
      },
      'astro:config:done': ({ config }) => {
        const state = getState();
        state.outDir = fileURLToPath(config.outDir);
        state.base = config.base;
      },
      'astro:build:start': () => {
        getState().startedAt = performance.now();
      },
      'astro:build:done': async ({ dir, pages, logger }) => {
        const state = getState();
        const { report } = state;
        const outDir = fileURLToPath(dir);
        report.time('render', performance.now() - state.startedAt);
        report.pages = pages.length;

        let t = performance.now();
        await relativiseSite(outDir, state.base);
        // GitHub Pages runs Jekyll unless told not to, and Jekyll drops `_astro/` and `_assets/`.
        await writeFile(path.join(outDir, '.nojekyll'), '');
        report.time('relative links', performance.now() - t);

        t = performance.now();
        const offlineFile = path.join(outDir, OFFLINE_INDEX_PATH);
        await mkdir(path.dirname(offlineFile), { recursive: true });
        await writeFile(offlineFile, renderOfflineIndex(state.offline.values()));
        report.time('offline index', performance.now() - t);

        t = performance.now();
        const digests = new Map([...state.offline.values()].map((e) => [e.path, e.text]));
        await buildPagefindIndex(outDir, digests, logger);
        report.time('pagefind', performance.now() - t);

        if (state.redactor) {
          report.addRedactions((await pageRedactor())?.hits);
        }
        const file = process.env.CODEX_ARCHIVE_REPORT ? path.resolve(process.env.CODEX_ARCHIVE_REPORT) : reportPath(state.root);
        await writeReport(report, file, outDir);
        logger.info(`${reportLine(report.archive)}. Report: ${path.relative(state.root, file)}`);
      },
    },
  };
}
