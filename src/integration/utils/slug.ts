/**
 * Safe URL segments for session ids and projects. Whatever a rollout file claims its id is
 * (`../../etc/x`, `CON`, 300 characters of emoji), the segment is made of `[a-z0-9_-]` only, so a
 * page can never be written outside its folder; when the input had to change, a short hash of
 * the original keeps two different ids from landing on the same page.
 */
import { createHash } from 'node:crypto';

/** Longest segment we emit; file systems allow 255 bytes and folders nest under it. */
export const MAX_SEGMENT = 80;

/** First `length` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, length = 8): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function clean(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/** Names Windows reserves for devices, in any case and with any extension. */
const RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * URL segment for a session id. UUID-like ids (what Codex writes) pass through unchanged, so
 * `/s/<id>/` is stable and readable; anything else is cleaned, lower-cased and suffixed with a
 * hash. Only lower-case ids pass through: two ids differing only in case would otherwise share
 * one folder on a case-insensitive file system (macOS, Windows) and one page would replace the
 * other; device names (`CON`, `nul`) cannot be folders on Windows at all.
 */
export function sessionSlug(id: string): string {
  const cleaned = clean(id);
  if (cleaned === id && cleaned === id.toLowerCase() && cleaned.length > 0 && cleaned.length <= MAX_SEGMENT && !RESERVED.test(cleaned)) return cleaned;
  const base = cleaned.toLowerCase().slice(0, MAX_SEGMENT - 9).replace(/[-_]+$/, '');
  return base ? `${base}-${shortHash(id)}` : `id-${shortHash(id)}`;
}

/**
 * URL segment for a project (repository such as `github.com/acme/api`, or a cwd). Always
 * lower-case and hash-suffixed: two cwds that differ only in case or punctuation stay apart.
 */
export function projectSlug(project: string): string {
  const base = clean(project.replace(/^[a-z]+:\/\//i, '').replace(/\.git$/i, ''))
    .toLowerCase()
    .slice(-(MAX_SEGMENT - 9))
    .replace(/^[-_]+/, '');
  return `${base || 'project'}-${shortHash(project)}`;
}
