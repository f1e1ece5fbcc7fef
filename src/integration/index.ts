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
import { existsSync, readdirSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { resolveOptions, type CodexArchiveOptions } from './options.ts';
import { OFFLINE_INDEX_PATH, OFFLINE_PARTS_DIR, offlineIndexList, offlineIndexParts } from './offline-index.ts';
import { buildPagefindIndex, placeCachedShards } from './pagefind.ts';
import { shardName } from './utils/shards.ts';
import { SEARCH_JOB_ENV, writeSearchJob } from './search-job.ts';
import { writeParts } from './utils/write-parts.ts';
import { dayKey } from './utils/dates.ts';
import { folderBytes, sizeWarning } from './utils/site-size.ts';
import { pageRedactor } from './redaction.ts';
import { relativiseSite } from './relative-assets.ts';
import { reportLine } from '../lib/report.ts';
import { reportPath, writeReport } from './report.ts';
import { getState, initState } from './state.ts';
import { IncrementalStore, hashOf, packageVersion, type SiteFolders } from './incremental.ts';
import { finishPageVerifier, startPageVerifier, type PageVerifier } from './page-verifier.ts';
import { SearchAheadWorker } from './search-ahead.ts';
import { sendPagesFinal } from './pages-final.ts';

export type { CodexArchiveOptions } from './options.ts';

/**
 * Where reused session pages may be linked from (incremental.ts, "Placing reused pages"): only
 * under scripts/build.mjs, which builds into a new folder (`CODEX_ARCHIVE_BUILD_TMP`) beside the
 * site it replaces (`CODEX_ARCHIVE_OUT`), and only when no other integration has a hook that runs
 * after pages are written: such a hook could rewrite a page in place, i.e. write into the
 * published file a link shares. Plain `astro build` empties its own folder first: nothing to link.
 */
function siteFolders(outDir: string, integrations: AstroIntegration[]): SiteFolders | null {
  const previous = process.env.CODEX_ARCHIVE_OUT;
  if (process.env.CODEX_ARCHIVE_LINK_PAGES === '0' || !previous) return null;
  // Pages are linked from the start (incremental.ts, startPlacing): only into the build script's
  // new folder, with nothing else in it, which Astro is then told not to empty.
  if (!freshBuildFolder(outDir)) return null;
  const lateHooks = ['astro:build:generated', 'astro:build:done'] as const;
  if (integrations.some((i) => i.name !== 'codex-archive' && lateHooks.some((h) => i.hooks?.[h]))) return null;
  return { outDir, previous };
}

/**
 * Whether `outDir` is the new folder scripts/build.mjs builds into, still absent or empty when the
 * build starts: nothing of an earlier build is in it, so Astro need not empty it first.
 */
function freshBuildFolder(outDir: string): boolean {
  const tmp = process.env.CODEX_ARCHIVE_BUILD_TMP;
  if (!tmp || path.resolve(tmp) !== path.resolve(outDir)) return false;
  const key = path.resolve(outDir);
  freshFolders ??= new Map();
  if (!freshFolders.has(key)) freshFolders.set(key, !existsSync(key) || readdirSync(key).length === 0);
  return freshFolders.get(key)!;
}
/** Decided once per folder, at config setup: later the build itself writes into it. */
let freshFolders: Map<string, boolean> | null = null;

/** The integration. Options are documented on `CodexArchiveOptionsSchema` (options.ts). */
export default function codexArchive(userOptions: CodexArchiveOptions = {}): AstroIntegration {
  /** Scans pages for secrets while they render (page-verifier.ts). */
  let pageVerifier: PageVerifier | null = null;
  return {
    name: 'codex-archive',
    hooks: {
      'astro:config:setup': ({ config, command, updateConfig, addMiddleware, logger }) => {
        const root = fileURLToPath(config.root);
        // `astro build` empties its output folder without looking at it (field notes): outside
        // scripts/build.mjs (which names the folder it replaces), check Astro's own outDir.
        const out = process.env.CODEX_ARCHIVE_OUT || (command === 'build' ? fileURLToPath(config.outDir) : undefined);
        const { options, notices } = resolveOptions(userOptions, { env: { ...process.env, CODEX_ARCHIVE_OUT: out }, root });
        for (const line of notices) logger.info(line);
        if (!options.redact) {
          logger.warn(
            '!!! redact: false — secrets, tokens and e-mail addresses in your sessions will be published as they are. ' +
              'Do not upload this build anywhere public.',
          );
        }
        const state = initState({ options, root, command });
        // `cache: 2`: cached pages hold relative asset links (relative-assets.ts).
        state.outputKey = hashOf({ version: packageVersion(root), cache: 2, options });
        if (command === 'build') addMiddleware({ entrypoint: new URL('./relative-middleware.ts', import.meta.url), order: 'post' });
        updateConfig({
          // Incremental builds: pages whose cacheKey is unchanged are restored, not rendered
          // (incremental.ts). One page at a time: the records of what each page wrote rely on it.
          ...(command === 'build' ? { experimental: { incrementalBuild: true } } : {}),
          build: { format: 'directory', inlineStylesheets: 'never', concurrency: 1 },
          // Vite inlines small assets as data: URLs and Astro inlines small scripts; both would
          // need 'unsafe-inline' in the Content-Security-Policy. Reused pages are linked into a new
          // build folder from the start (incremental.ts, startPlacing): Astro must not empty it.
          vite: { build: { assetsInlineLimit: 0, ...(freshBuildFolder(fileURLToPath(config.outDir)) ? { emptyOutDir: false } : {}) } },
        });
      },
      'astro:config:done': ({ config }) => {
        const state = getState();
        state.outDir = fileURLToPath(config.outDir);
        state.base = config.base;
        state.outputKey = hashOf([state.outputKey, config.base, config.site ?? '']);
        state.cacheDir = fileURLToPath(config.cacheDir);
        state.report.cacheDir = state.cacheDir;
        if (state.command === 'build') {
          state.incremental = new IncrementalStore(state.cacheDir, siteFolders(state.outDir, config.integrations));
          // Astro does not empty this folder (see astro:config:setup), so links made now stay.
          state.incremental.startPlacing();
          // Shards can be built ahead only from pages linked into a new build folder (search-ahead.ts).
          if (state.incremental.site && process.env.CODEX_ARCHIVE_SEARCH_AHEAD !== '0') {
            const { offline } = state;
            state.searchAhead = new SearchAheadWorker({ outDir: state.outDir, cacheDir: state.cacheDir, wordsOf: (id) => offline.get(id)?.text });
          }
        }
      },
      'astro:build:start': () => {
        const state = getState();
        state.startedAt = performance.now();
        pageVerifier = startPageVerifier({ cacheDir: state.cacheDir, emailAllowlist: state.report.emailAllowlist, redact: state.options.redact });
      },
      'astro:build:done': async ({ dir, pages, logger }) => {
        const state = getState();
        const { report } = state;
        const outDir = fileURLToPath(dir);
        // After a small rebuild the build waits for the shard Pagefind is still indexing on the
        // other core (search-ahead.ts), while this thread restores, links and saves: at a lower
        // priority it takes the time Pagefind leaves (Linux: this thread only; elsewhere the
        // process, not its Pagefind child). Paired runs at 20,000 sessions, one session
        // appended: 16.2/17.4/16.8 s -> 16.1/15.8/15.8 s.
        if (state.searchAhead?.shards.length) {
          try {
            setPriority(10);
          } catch {
            // Not allowed here: it keeps its priority.
          }
        }
        report.time('render', performance.now() - state.startedAt);
        report.pages = pages.length;

        let t = performance.now();
        // Pages Astro restored from its cache ran none of our code: add what they contributed.
        const incremental = state.incremental;
        let reused = 0;
        const dropped = (await incremental?.dropUnclaimed()) ?? 0;
        if (dropped) logger.info(`${dropped} linked pages of sessions no longer in the archive left out.`);
        const current = incremental?.current();
        if (incremental && current) {
          for (const [id, sidecar] of current) {
            if (incremental.fresh.has(id)) continue;
            reused++;
            state.offline.set(id, sidecar.offline);
            report.addSessionFacts(sidecar.facts);
            report.addRedactions(new Map(Object.entries(sidecar.redactions)));
            report.addSessionRedactions(id, sidecar.redactions);
            for (const rel of sidecar.assets) {
              if (!(await incremental.restoreAsset(outDir, rel))) continue;
              if (rel.startsWith('_assets/img/')) report.assets.images++;
              else if (rel.startsWith('_assets/out/')) report.assets.largeOutputs++;
            }
          }
          report.incremental = {
            sessionPagesRendered: incremental.fresh.size,
            sessionPagesReused: reused,
            sessionPagesLinked: incremental.linked.size,
          };
          if (incremental.unplaced) logger.info(`${incremental.unplaced} session pages linked from the previous site rendered after all (unlinked first).`);
          report.time('restore', performance.now() - t);
          t = performance.now();
        }
        // Pages the middleware made relative while rendering are done; restored ones were cached
        // relative. What is left: `_astro/*.css`, and any rendered page the middleware missed.
        const missed = new Set([...state.rendered].filter((here) => !state.relativised.has(here)));
        await relativiseSite(outDir, state.base, incremental ? missed : undefined, incremental ? state.cacheDir : undefined);
        // GitHub Pages runs Jekyll unless told not to, and Jekyll drops `_astro/` and `_assets/`.
        await writeFile(path.join(outDir, '.nojekyll'), '');
        report.time('relative links', performance.now() - t);
        t = performance.now();
        const shardOf = (e: { date: string }) => shardName(dayKey(e.date, state.options.timeZone));
        await mkdir(path.join(outDir, OFFLINE_PARTS_DIR), { recursive: true });
        const partNames: string[] = [];
        for (const part of offlineIndexParts(state.offline.values(), shardOf)) {
          await writeParts(path.join(outDir, OFFLINE_PARTS_DIR, part.name), part.pieces);
          partNames.push(part.name);
        }
        await writeFile(path.join(outDir, OFFLINE_INDEX_PATH), offlineIndexList(partNames));
        report.time('offline index', performance.now() - t);
        // Every page is written: the page verifier saves its verdicts now, for the final pass to
        // read, which may start at once (every file but the search index is final).
        const checked = await finishPageVerifier(pageVerifier);
        pageVerifier = null;
        sendPagesFinal({
          rendered: incremental ? incremental.fresh.size : report.sessions,
          redacted: state.options.redact,
          emailAllowlist: report.emailAllowlist,
          cacheDir: state.cacheDir,
        });
        if (incremental && current) {
          // Pages are final now: stamp them for the next build's links, then save the sidecars.
          incremental.stampPages(outDir, current);
          await incremental.save(current);
        }

        t = performance.now();
        const searchPages = [...state.offline].map(([id, e]) => ({
          path: e.path,
          shard: shardOf(e),
          words: e.text,
          key: state.incremental?.keys.get(id)?.key ?? null,
        }));
        const cacheDir = state.incremental ? state.cacheDir : null;
        // Under scripts/build.mjs the index is built once this process has exited (search-job.ts),
        // unless every shard can be linked from the cache: then it is done here.
        const searchJob = process.env[SEARCH_JOB_ENV];
        const ahead = state.searchAhead;
        state.searchAhead = null;
        // While the shards built ahead are finished, the shards the index would only link are linked.
        const linking = ahead && cacheDir && searchJob ? placeCachedShards(outDir, searchPages, cacheDir, new Set(ahead.shards)) : null;
        const outcome = await ahead?.finish();
        if (outcome) {
          report.searchAhead = { shards: outcome.built.length, pages: outcome.built.reduce((n, b) => n + b.pages, 0) };
          const { shards, pages } = report.searchAhead;
          const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
          if (shards > 3) logger.info(`Search index: ${plural(shards, 'shard')} (${plural(pages, 'page')}) built while pages rendered.`);
          else if (shards) logger.info(`Search index: ${outcome.built.map((b) => `${b.shard} (${plural(b.pages, 'page')})`).join(', ')} built while pages rendered.`);
          for (const { shard, reason } of outcome.left) logger.info(`Search index: ${shard} left to the end of the build (${reason}).`);
        }
        const placed = (await linking) ?? new Set<string>();
        // The shards built ahead are in the cache now.
        if (linking && cacheDir) for (const shard of await placeCachedShards(outDir, searchPages, cacheDir, placed)) placed.add(shard);
        const builtAhead = new Set(outcome?.built.map((b) => b.shard));
        if (searchJob && searchPages.some((p) => !placed.has(p.shard))) {
          // The job builds what is left; what is in place stays (it is not linked again).
          await writeSearchJob(searchJob, { dir: outDir, cacheDir, pages: searchPages, placed, builtAhead });
        } else {
          await buildPagefindIndex(outDir, searchPages, logger, cacheDir, {}, placed, builtAhead);
          report.time('pagefind', performance.now() - t);
        }

        if (state.redactor) {
          report.addRedactions((await pageRedactor())?.hits);
        }
        // Under scripts/build.mjs the build script measures the site once the index is built.
        if (!searchJob) report.site = await folderBytes(outDir);
        report.outputChars = state.options.outputChars;
        const file = process.env.CODEX_ARCHIVE_REPORT ? path.resolve(process.env.CODEX_ARCHIVE_REPORT) : reportPath(state.root);
        await writeReport(report, file, outDir);
        logger.info(`${reportLine(report.archive)}. Report: ${path.relative(state.root, file)}`);
        const { outputs, chars } = report.trimmedOutputs;
        if (outputs > 0) {
          const mb = (chars / 1e6).toFixed(1);
          logger.info(
            `Long outputs: ${outputs} cut to their first and last lines, ${state.options.outputChars} characters each (${mb} MB of their middles not published; outputChars: 'all' publishes them whole).`,
          );
        }
        const tooBig = searchJob ? null : sizeWarning(report.site.bytes, state.options.outputChars);
        if (tooBig) logger.warn(tooBig);
        for (const note of state.notes.splice(0)) logger.info(note);
        if (checked) {
          logger.info(
            `Verified while rendering: ${checked.verified} of ${checked.offered} pages clean (${(checked.chars / 1e6).toFixed(1)} MB), ` +
              `${checked.flagged} with findings and ${checked.dropped} left to the final check (${checked.behind} while it was behind)${checked.error ? `; verifier stopped: ${checked.error}` : ''}.`,
          );
        }
      },
    },
  };
}
