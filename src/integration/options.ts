/**
 * The options of `codexArchive()`: one zod schema, the types inferred from it, and the single
 * function that turns what the user wrote (plus the environment) into resolved options or ONE
 * error with a bullet per problem.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { resolveCodexHome } from '../lib/home/codex-home.ts';
import { DEFAULT_OUTPUT_CHARS } from '../lib/render/output-trim.ts';
import { CodexArchiveConfigError, describeIssue } from './utils/error-map.ts';
import { checkOutputFolder } from './utils/output-safety.ts';

/** True when `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** What the user may pass to `codexArchive()`. Unknown keys are an error, not ignored. */
export const CodexArchiveOptionsSchema = z.strictObject({
  /**
   * Codex home folders to read (each holds `sessions/`, maybe `archived_sessions/`). Default:
   * `$CODEX_ARCHIVE_SOURCES` (a path list), else `$CODEX_HOME`, else `~/.codex`; when that
   * default does not exist the bundled demo home is built instead.
   */
  sources: z.array(z.string().min(1, 'an empty path; remove it or give a folder.')).min(1, 'the list is empty; give at least one Codex home folder, or leave `sources` out to use ~/.codex.').optional(),
  /** Site title shown in the header and the browser tab. */
  title: z.string().trim().min(1, 'an empty title; give a short text or leave `title` out.').max(120, 'longer than 120 characters; shorten it.').default('Codex archive'),
  /** IANA time zone that date pages (`/2026/05/14/`) bucket sessions by. */
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'not an IANA time zone name; use e.g. "UTC" or "Europe/Paris".' })
    .default('UTC'),
  /** Sessions to leave out entirely: they leave no page, link, search entry or count. */
  exclude: z
    .strictObject({
      /** Session (thread) ids. */
      ids: z.array(z.string().min(1)).default([]),
      /** Working-folder patterns (`*`, `**`, `?`; a plain folder covers its subfolders). */
      cwd: z.array(z.string().min(1)).default([]),
    })
    .default({ ids: [], cwd: [] }),
  /** Scrub secrets and e-mail addresses before anything is written. Turning it off is loud. */
  redact: z.boolean().default(true),
  /**
   * Characters of each tool output a session page publishes: its head and tail, with a note
   * where the middle was left out (the rollout keeps it all). `'all'` publishes every output
   * whole, long ones as linked `.txt` files: a bigger site (at 20,000 sessions ~2.6 GB instead
   * of under 1 GB, GitHub Pages' limit).
   */
  outputChars: z
    .union([
      z.number().int(`not a whole number; give e.g. ${DEFAULT_OUTPUT_CHARS}.`).min(1000, 'under 1,000 characters; a page should show at least that much of an output.').max(1_000_000, "over 1,000,000; use 'all' to publish outputs whole."),
      z.literal('all'),
    ], { error: `neither a number of characters (e.g. ${DEFAULT_OUTPUT_CHARS}) nor 'all'.` })
    .default(DEFAULT_OUTPUT_CHARS),
  /** E-mail addresses the redactor keeps (e.g. your public commit address). */
  emailAllowlist: z.array(z.string().min(3)).default([]),
});

/** Options as written in astro.config.mjs. */
export type CodexArchiveOptions = z.input<typeof CodexArchiveOptionsSchema>;

/** Where a source folder came from: decides how a missing folder is reported. */
export const SourceOrigin = z.enum(['option', 'CODEX_ARCHIVE_SOURCES', 'CODEX_HOME', 'default', 'demo']);

/** One folder to read, absolute. */
export const ResolvedSource = z.object({ path: z.string(), origin: SourceOrigin });
export type ResolvedSource = z.infer<typeof ResolvedSource>;

/** Options after defaults, environment and checks: what the loader and the pages use. */
export type ResolvedOptions = Omit<z.output<typeof CodexArchiveOptionsSchema>, 'sources'> & {
  sources: ResolvedSource[];
  /** True when the bundled demo home stands in for a missing ~/.codex. */
  demo: boolean;
};

/** What `resolveOptions` needs from the outside world; injectable for tests. */
export interface ResolveContext {
  env: Record<string, string | undefined>;
  /** Project root (absolute): the demo home lives in `<root>/fixtures/demo-home`. */
  root: string;
  /** Defaults to a real `statSync` check. */
  isDirectory?: (p: string) => boolean;
}

/** Expands a leading `~` and makes the path absolute (relative paths are from the project root). */
export function expandPath(p: string, root: string): string {
  const home = homedir();
  const expanded = p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
  return path.resolve(root, expanded);
}

function realIsDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The field name a missing source is reported under, so the user knows what to change. */
function sourceField(origin: ResolvedSource['origin'], index: number): string {
  switch (origin) {
    case 'option':
      return `sources[${index}]`;
    case 'CODEX_ARCHIVE_SOURCES':
      return `CODEX_ARCHIVE_SOURCES (environment) entry ${index + 1}`;
    case 'CODEX_HOME':
      return 'CODEX_HOME (environment)';
    default:
      return 'sources';
  }
}

function missingSourceFix(origin: ResolvedSource['origin']): string {
  switch (origin) {
    case 'option':
      return 'Fix the path in astro.config.mjs, or remove it.';
    case 'CODEX_ARCHIVE_SOURCES':
      return 'Fix the list (folders separated by `' + path.delimiter + '`), or unset CODEX_ARCHIVE_SOURCES.';
    case 'CODEX_HOME':
      return 'Point CODEX_HOME at your Codex home (the folder holding `sessions/`), or unset it to use ~/.codex.';
    default:
      return 'Restore fixtures/demo-home, or point CODEX_HOME at a Codex home.';
  }
}

/**
 * Validates the options and resolves the source folders. Throws ONE `CodexArchiveConfigError`
 * listing every problem (schema problems and missing folders together). `notices` are lines to
 * print once (the demo fallback).
 */
export function resolveOptions(
  raw: unknown,
  ctx: ResolveContext,
): { options: ResolvedOptions; notices: string[] } {
  const isDirectory = ctx.isDirectory ?? realIsDirectory;
  const problems: string[] = [];
  const notices: string[] = [];
  const parsed = CodexArchiveOptionsSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue));
  }
  const data = parsed.success ? parsed.data : undefined;
  const rawSources = (raw as { sources?: unknown } | undefined)?.sources;

  let sources: ResolvedSource[] = [];
  let demo = false;
  // Check the folders even when another option is wrong, so one run reports every problem.
  const givenSources =
    data?.sources ??
    (Array.isArray(rawSources) && rawSources.every((p) => typeof p === 'string' && p !== '') ? (rawSources as string[]) : null);
  if (givenSources) {
    sources = givenSources.map((p) => ({ path: expandPath(p, ctx.root), origin: 'option' as const }));
  } else if (rawSources === undefined) {
    const list = ctx.env.CODEX_ARCHIVE_SOURCES?.split(path.delimiter).filter((s) => s.trim() !== '');
    if (list && list.length > 0) {
      sources = list.map((p) => ({ path: expandPath(p.trim(), ctx.root), origin: 'CODEX_ARCHIVE_SOURCES' as const }));
    } else if (ctx.env.CODEX_HOME && ctx.env.CODEX_HOME.trim() !== '') {
      sources = [{ path: expandPath(ctx.env.CODEX_HOME.trim(), ctx.root), origin: 'CODEX_HOME' }];
    } else {
      const home = expandPath(resolveCodexHome({ ...ctx.env, CODEX_HOME: undefined }), ctx.root);
      if (isDirectory(home)) sources = [{ path: home, origin: 'default' }];
      else {
        demo = true;
        sources = [{ path: path.join(ctx.root, 'fixtures', 'demo-home'), origin: 'demo' }];
        notices.push(
          `No Codex home at ${home}: building the demo archive from fixtures/demo-home. ` +
            'To build yours: CODEX_HOME=/path/to/.codex npm run build',
        );
      }
    }
  }

  sources.forEach((source, index) => {
    if (!isDirectory(source.path)) {
      const what = existsSync(source.path) ? 'is not a folder' : 'does not exist';
      problems.push(`\`${sourceField(source.origin, index)}\`: ${source.path} ${what}. ${missingSourceFix(source.origin)}`);
    }
  });

  // scripts/build.mjs names the folder it will replace (CODEX_ARCHIVE_OUT). Sources set in
  // astro.config.mjs are only known here, so the folder is checked against them here, before
  // Astro writes anything: a build into a folder inside a source wrote a whole site into it.
  const out = ctx.env.CODEX_ARCHIVE_OUT;
  if (out) {
    const unsafe = checkOutputFolder({ out, projectRoot: ctx.root, home: homedir(), sources: sources.map((s) => s.path) });
    for (const p of unsafe) problems.push(`output folder: ${p} The build replaces that folder entirely; choose another output folder.`);
  }

  if (problems.length > 0 || !data) throw new CodexArchiveConfigError(problems);
  const { sources: _ignored, ...rest } = data;
  return { options: { ...rest, sources, demo }, notices };
}
