/**
 * Turns a failed zod parse of the integration options into one readable message: a bullet per
 * problem, each naming the field and what to do. Modelled on Starlight's `utils/error-map.ts`.
 */
import type { z } from 'zod';

/** Config errors carry a stable name so callers (and tests) can tell them apart. */
export class CodexArchiveConfigError extends Error {
  override name = 'CodexArchiveConfigError';
  /** One entry per problem, already worded for a reader. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(formatProblems(problems));
    this.problems = problems;
  }
}

/** The message a reader sees: a heading line, then one bullet per problem. */
export function formatProblems(problems: string[]): string {
  const heading =
    problems.length === 1
      ? 'Invalid codexArchive() options in astro.config.mjs: 1 problem.'
      : `Invalid codexArchive() options in astro.config.mjs: ${problems.length} problems.`;
  return [heading, ...problems.map((p) => `  - ${p}`)].join('\n');
}

/** Dotted field path as a user would write it: `exclude.ids[2]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(options)';
}

/** What the schema expected, in words, for the common zod issue codes. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return `\`${field}\`: expected ${issue.expected}, got ${receivedOf(issue)}. ${hintFor(field)}`.trim();
    case 'unrecognized_keys':
      return `\`${field}\`: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys
        .map((k) => `\`${k}\``)
        .join(', ')}. Remove ${issue.keys.length > 1 ? 'them' : 'it'}; see "Options" in README.md.`;
    default:
      return `\`${field}\`: ${issue.message}`;
  }
}

function receivedOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input;
}

const hints: Record<string, string> = {
  sources: 'Give a list of Codex home folders, e.g. `sources: ["~/.codex"]`.',
  title: 'Give a short text, e.g. `title: "My Codex sessions"`.',
  timeZone: 'Give an IANA zone name, e.g. `timeZone: "Europe/Paris"`.',
  redact: 'Use `redact: true` (the default) or `redact: false`.',
  exclude: 'Use `exclude: { ids: [...], cwd: [...] }`.',
  emailAllowlist: 'Give a list of addresses to keep, e.g. `emailAllowlist: ["me@example.com"]`.',
};

function hintFor(field: string): string {
  const top = field.split(/[.[]/)[0] ?? '';
  return hints[top] ?? '';
}
