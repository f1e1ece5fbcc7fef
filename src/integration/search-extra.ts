/**
 * The search slot of a session page: an empty hidden element at the end of its searchable body,
 * filled with the session's word digest only in the copy of the page Pagefind indexes (see
 * pagefind.ts). Its own module so pages can import the marker without loading Pagefind.
 */
import { escapeHtml } from '../lib/render/escape.ts';

/** The empty element each session page carries at the end of its searchable body. */
export const SEARCH_EXTRA_SLOT = '<span data-search-extra hidden></span>';

/** A session page's HTML as Pagefind should see it: the slot filled with the session's word digest. */
export function withSearchExtra(html: string, words: string): string {
  // Its word count, as meta: the digest is the last thing indexed, so a result whose matches all
  // lie in the page's last `digest` words matched only there (src/scripts/search.js shows the
  // words then, not an excerpt of the list). Digest words are single words to Pagefind too.
  const count = words.split(' ').filter(Boolean).length;
  return html.replace(
    SEARCH_EXTRA_SLOT,
    () => `<span data-search-extra hidden data-pagefind-weight="${DIGEST_WEIGHT}" data-pagefind-meta="digest:${count}">${escapeHtml(words)}</span>`,
  );
}

/**
 * The digest repeats the words a page shows and adds those its searchable body lacks (the
 * header's folder and thread name, code fences' languages). Weighed low, it makes a page findable
 * by them without ranking it above pages that show the word (a reader lands where the match is in
 * view).
 */
const DIGEST_WEIGHT = 0.2;

